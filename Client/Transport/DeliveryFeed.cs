using XChat.Protocol;

namespace XChat.Client.Transport;

/// <summary>
/// Turns pushes and sync pages into a stream that holds each message once, in seq order per
/// conversation (PROTOCOL.md §9). It keeps a local cursor per conversation: seq at or below it is
/// a duplicate, cursor + 1 is delivered, anything higher is a gap that asks for a sync. It does no
/// I/O: the connection runs the syncs it asks for and feeds their pages back. Messages this device
/// sent itself move the cursor but are not delivered: the application already has them.
/// </summary>
internal sealed class DeliveryFeed
{
    private readonly object _lock = new();
    private readonly Dictionary<string, State> _conversations = new(StringComparer.Ordinal);
    // Highest pushed seq per conversation before the first resume told us where the cursors are.
    private readonly Dictionary<string, ulong> _pushedBeforeResume = new(StringComparer.Ordinal);
    private readonly Action<Envelope> _deliver;
    private readonly IReadOnlyDictionary<string, ulong>? _appCursors;
    private readonly Func<Envelope, bool> _isOwn;
    private bool _resumed;
    private long _lastSyncId;

    /// <param name="deliver">Receives each message once, in order; called under the feed's lock, so it must not block.</param>
    /// <param name="appCursors">The application's own cursors, which win over the server's.</param>
    /// <param name="isOwn">True for a message this device sent.</param>
    public DeliveryFeed(Action<Envelope> deliver, IReadOnlyDictionary<string, ulong>? appCursors = null, Func<Envelope, bool>? isOwn = null)
    {
        _deliver = deliver;
        _appCursors = appCursors;
        _isOwn = isOwn ?? (_ => false);
    }

    /// <summary>The local cursor of a conversation, or null when the feed does not know it yet.</summary>
    public ulong? CursorOf(string conversationId)
    {
        lock (_lock)
        {
            return _conversations.TryGetValue(conversationId, out var state) ? state.Cursor : null;
        }
    }

    /// <summary>A snapshot of every local cursor, for an application that persists them.</summary>
    public IReadOnlyDictionary<string, ulong> Cursors()
    {
        lock (_lock)
        {
            return _conversations.ToDictionary(pair => pair.Key, pair => pair.Value.Cursor, StringComparer.Ordinal);
        }
    }

    /// <summary>Takes a pushed message; returns the sync to start when it revealed a gap.</summary>
    public SyncContinuation? OnPush(Envelope message)
    {
        lock (_lock)
        {
            if (!_resumed)
            {
                // Cursors are unknown until the first ListConversations: delivering now could repeat
                // messages the device already acknowledged. Remember the seq so resume syncs up to it.
                _pushedBeforeResume[message.ConversationId] = Math.Max(message.Seq, _pushedBeforeResume.GetValueOrDefault(message.ConversationId));
                return null;
            }

            // A conversation first seen after resume was created (or joined) since: start from the app's cursor or 0.
            var state = GetOrAdd(message.ConversationId, serverCursor: 0);
            state.HighestSeen = Math.Max(state.HighestSeen, message.Seq);
            if (message.Seq <= state.Cursor)
            {
                return null;
            }

            if (message.Seq == state.Cursor + 1)
            {
                Deliver(state, message);
                return null;
            }

            // A gap: one or more pushes were missed. One sync at a time per conversation; a running
            // sync picks this seq up through HighestSeen when its last page comes back.
            return state.SyncId == 0 ? StartSync(message.ConversationId, state) : null;
        }
    }

    /// <summary>
    /// Records that this device's own send committed at seq, so the cursor can step over it
    /// without a sync (the server does not push a message back to the device that sent it).
    /// </summary>
    public void OnOwnSend(string conversationId, ulong seq)
    {
        lock (_lock)
        {
            // Before the first resume the cursor is unknown; resume's sync skips own messages anyway.
            if (!_resumed)
            {
                return;
            }

            var state = GetOrAdd(conversationId, serverCursor: 0);
            if (seq <= state.Cursor)
            {
                return;
            }

            state.HighestSeen = Math.Max(state.HighestSeen, seq);
            (state.OwnSeqs ??= []).Add(seq);
            SkipOwn(state);
        }
    }

    /// <summary>Starts (or continues) resuming after login: the syncs to run, one per conversation that has unseen messages.</summary>
    public IReadOnlyList<SyncContinuation> OnResume(IEnumerable<ConversationCursor> conversations)
    {
        lock (_lock)
        {
            var syncs = new List<SyncContinuation>();
            var listed = new HashSet<string>(StringComparer.Ordinal);
            foreach (var conversation in conversations)
            {
                listed.Add(conversation.ConversationId);
                var state = GetOrAdd(conversation.ConversationId, conversation.ServerCursor);
                state.HighestSeen = Math.Max(state.HighestSeen, conversation.LastSeq);
                AddSyncIfBehind(conversation.ConversationId, state, syncs);
            }

            // Pushes for conversations created after the list was read.
            foreach (var (conversationId, seq) in _pushedBeforeResume)
            {
                var state = GetOrAdd(conversationId, serverCursor: 0);
                state.HighestSeen = Math.Max(state.HighestSeen, seq);
                if (!listed.Contains(conversationId))
                {
                    AddSyncIfBehind(conversationId, state, syncs);
                }
            }

            _pushedBeforeResume.Clear();
            _resumed = true;
            return syncs;
        }
    }

    /// <summary>Takes one sync page (oldest first); returns the next page to fetch, or null when this sync is done.</summary>
    public SyncContinuation? OnSyncPage(SyncContinuation sync, IReadOnlyList<Envelope> messages, bool hasMore)
    {
        lock (_lock)
        {
            var state = GetOrAdd(sync.ConversationId, serverCursor: 0);
            var progressed = false;
            foreach (var message in messages)
            {
                // The log is the truth: a hole inside a page (an expired disappearing message) is
                // skipped rather than waited for, so only order and uniqueness are checked here.
                if (message.Seq > state.Cursor)
                {
                    Deliver(state, message);
                    progressed = true;
                }
            }

            if (sync.SyncId != state.SyncId)
            {
                // A sync from before a reconnect: its messages count, its continuation does not.
                return null;
            }

            // Continue while the server has more, or a push showed a later seq than this page held.
            // Without progress stop anyway, so that a hole at the end of the log cannot loop forever.
            if (progressed && (hasMore || state.HighestSeen > state.Cursor))
            {
                return sync with { AfterSeq = state.Cursor };
            }

            state.SyncId = 0;
            return null;
        }
    }

    /// <summary>A sync failed; the next gap or resume starts another.</summary>
    public void OnSyncFailed(SyncContinuation sync)
    {
        lock (_lock)
        {
            if (_conversations.TryGetValue(sync.ConversationId, out var state) && state.SyncId == sync.SyncId)
            {
                state.SyncId = 0;
            }
        }
    }

    /// <summary>The socket dropped: every running sync is void; resume after login starts over from the local cursors.</summary>
    public void OnConnectionLost()
    {
        lock (_lock)
        {
            foreach (var state in _conversations.Values)
            {
                state.SyncId = 0;
            }
        }
    }

    private State GetOrAdd(string conversationId, ulong serverCursor)
    {
        if (!_conversations.TryGetValue(conversationId, out var state))
        {
            var cursor = _appCursors is not null && _appCursors.TryGetValue(conversationId, out var own) ? own : serverCursor;
            state = new State { Cursor = cursor, HighestSeen = cursor };
            _conversations.Add(conversationId, state);
        }

        return state;
    }

    private void AddSyncIfBehind(string conversationId, State state, List<SyncContinuation> syncs)
    {
        if (state.HighestSeen > state.Cursor && state.SyncId == 0)
        {
            syncs.Add(StartSync(conversationId, state));
        }
    }

    private SyncContinuation StartSync(string conversationId, State state)
    {
        state.SyncId = ++_lastSyncId;
        return new SyncContinuation(conversationId, state.Cursor, state.SyncId);
    }

    private void Deliver(State state, Envelope message)
    {
        state.Cursor = message.Seq;
        if (!_isOwn(message))
        {
            _deliver(message);
        }

        SkipOwn(state);
    }

    private static void SkipOwn(State state)
    {
        if (state.OwnSeqs is not { Count: > 0 } own)
        {
            return;
        }

        own.RemoveWhere(seq => seq <= state.Cursor);
        while (own.Remove(state.Cursor + 1))
        {
            state.Cursor++;
        }
    }

    private sealed class State
    {
        public ulong Cursor;
        public ulong HighestSeen;
        public long SyncId;
        // Seqs of this device's own committed sends above the cursor; usually empty.
        public SortedSet<ulong>? OwnSeqs;
    }
}
