using System.Runtime.CompilerServices;
using System.Threading.Channels;
using XChat.Protocol;

namespace XChat.Client.Transport;

// Delivery: pushes and sync pages go through the DeliveryFeed (order, dedupe), out through
// Messages, and come back as coalesced acks once the application has taken them.
public sealed partial class XChatConnection
{
    private readonly Channel<Envelope> _messages;
    private readonly DeliveryFeed _feed;
    private readonly AckCoalescer _acks = new();
    private Task _ackLoop = Task.CompletedTask;

    /// <summary>
    /// Every message of every conversation, each once, in seq order per conversation. A message is
    /// acknowledged to the server when the reader asks for the next one, so a crash while handling
    /// a message re-delivers it on the next start. Read it from one consumer.
    /// </summary>
    public IAsyncEnumerable<Envelope> Messages => ReadMessagesAsync();

    /// <summary>The local delivery cursor of every known conversation, for an application that stores its own.</summary>
    public IReadOnlyDictionary<string, ulong> GetLocalCursors() => _feed.Cursors();

    private async IAsyncEnumerable<Envelope> ReadMessagesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var envelope in _messages.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return envelope;
            // The consumer came back for more, so it has handled this one: now the server may forget it.
            _acks.MarkDelivered(envelope.ConversationId, envelope.Seq);
        }
    }

    private void OnPush(Envelope message)
    {
        if (_feed.OnPush(message) is { } sync)
        {
            _ = SyncConversationAsync(sync);
        }
    }

    private void StartResume(ConnectionSession session) => _ = ResumeAsync(session);

    /// <summary>After login: list the conversations and sync each one that is ahead of the local cursor.</summary>
    private async Task ResumeAsync(ConnectionSession session)
    {
        for (var attempt = 0; !session.IsClosed; attempt++)
        {
            try
            {
                var answer = await RequestOnAsync(session, new ClientFrame { ListConversations = new ListConversationsRequest() }, _lifetime.Token).ConfigureAwait(false);
                var conversations = Expect(answer, ServerFrame.BodyOneofCase.Conversations).Conversations.Conversations;
                var syncs = _feed.OnResume(conversations.Select(c => new ConversationCursor(c.ConversationId, c.LastSeq, c.Cursor)));
                var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.ResumeParallelism, CancellationToken = _lifetime.Token };
                await Parallel.ForEachAsync(syncs, parallel, async (sync, _) => await SyncConversationAsync(sync).ConfigureAwait(false)).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (e is ConnectionLostException or OperationCanceledException or ObjectDisposedException)
            {
                // The next session resumes again.
                return;
            }
            catch (Exception e) when (e is TimeoutException or XChatServerException or InvalidDataException)
            {
                // Until resume succeeds pushes are only remembered, not delivered: keep trying on this socket.
                try
                {
                    await Task.Delay(_backoff.Delay(attempt), _lifetime.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Runs one sync page by page until the feed is satisfied; a failure leaves it to the next gap or resume.</summary>
    private async Task SyncConversationAsync(SyncContinuation sync)
    {
        var current = sync;
        try
        {
            while (true)
            {
                var request = new SyncRequest { ConversationId = current.ConversationId, AfterSeq = current.AfterSeq, Limit = _options.SyncPageSize };
                var answer = await RequestAsync(new ClientFrame { Sync = request }, _lifetime.Token).ConfigureAwait(false);
                var page = Expect(answer, ServerFrame.BodyOneofCase.Messages).Messages;
                if (_feed.OnSyncPage(current, page.Messages, page.HasMore) is not { } next)
                {
                    return;
                }

                current = next;
            }
        }
        catch (Exception e) when (e is ConnectionLostException or TimeoutException or XChatServerException or OperationCanceledException or ObjectDisposedException or InvalidDataException)
        {
            _feed.OnSyncFailed(current);
        }
    }

    /// <summary>Sends coalesced acks: one per conversation for whatever was delivered since the last batch.</summary>
    private async Task RunAckLoopAsync()
    {
        try
        {
            while (await _acks.WaitAsync(_lifetime.Token).ConfigureAwait(false))
            {
                // Let a burst of deliveries collect first: one ack per conversation per delay, not one per message.
                if (_options.AckDelay > TimeSpan.Zero)
                {
                    await Task.Delay(_options.AckDelay, _lifetime.Token).ConfigureAwait(false);
                }

                var session = await WaitForSessionAsync(Timeout.InfiniteTimeSpan, _lifetime.Token).ConfigureAwait(false);
                if (session.IsAuthenticated)
                {
                    await FlushAcksAsync(session, _lifetime.Token).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or ConnectionLostException)
        {
            // Disposed or closed for good: the server cursor trails, and the local cursor drops the repeats.
        }
    }

    private async Task FlushAcksAsync(ConnectionSession session, CancellationToken cancellationToken)
    {
        var batch = _acks.TakeAll();
        var failed = new List<KeyValuePair<string, ulong>>();
        foreach (var ack in batch)
        {
            try
            {
                var request = new AckRequest { ConversationId = ack.Key, Seq = ack.Value };
                Expect(await RequestOnAsync(session, new ClientFrame { Ack = request }, cancellationToken).ConfigureAwait(false), ServerFrame.BodyOneofCase.Ok);
            }
            catch (Exception e) when (e is ConnectionLostException or TimeoutException or OperationCanceledException)
            {
                failed.Add(ack);
            }
            catch (Exception e) when (e is XChatServerException or InvalidDataException)
            {
                // FORBIDDEN or NOT_FOUND: the user left the conversation; there is nothing to ack any more.
            }
        }

        if (failed.Count > 0)
        {
            _acks.Restore(failed);
            // Ring again so the next session sends them; the wait for a session paces the retry.
            _acks.MarkDelivered(failed[0].Key, failed[0].Value);
            await Task.Delay(_backoff.Delay(0), cancellationToken).ConfigureAwait(false);
        }
    }
}
