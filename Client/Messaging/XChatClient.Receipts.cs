using XChat.Client.Transport;
using XChat.Protocol;

namespace XChat.Client.Messaging;

// Receipts, read cursors, the chat list and blocking. Receipts are derived from the server's cursors
// (Protocol/CONTENT.md "Receipts"): a device's delivery cursor (its acks) says what it received, its
// read cursor (MarkRead) what its user read. No receipt travels as a message.
public sealed partial class XChatClient
{
    /// <summary>The users this device blocked (user ids).</summary>
    public IReadOnlyCollection<string> BlockedUserIds => _settings.BlockedUsers;

    /// <summary>Marks everything this device fetched in <paramref name="conversation"/> as read (its read cursor on the server).</summary>
    public Task MarkReadAsync(string conversation, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversation);
        return WithGateAsync(async () =>
        {
            var upTo = _settings.SyncCursors.GetValueOrDefault(conversation);
            if (upTo > 0)
            {
                await ServerCallAsync(conversation, () => _connection.MarkReadAsync(conversation, upTo, cancellationToken)).ConfigureAwait(false);
            }

            return upTo;
        }, cancellationToken);
    }

    /// <summary>
    /// Where the message at <paramref name="seq"/> stands for every other device in the conversation (the
    /// recipients' devices and this user's other devices): sent, delivered or read.
    /// </summary>
    public Task<IReadOnlyList<MessageReceipt>> ReceiptsAsync(string conversation, long seq, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversation);
        return WithGateAsync<IReadOnlyList<MessageReceipt>>(async () =>
        {
            var list = await ServerCallAsync(conversation, () => _connection.GetReceiptsAsync(conversation, cancellationToken)).ConfigureAwait(false);
            var result = new List<MessageReceipt>();
            foreach (var device in list.Devices.Where(d => d.UserId != UserId || d.DeviceId != DeviceId))
            {
                var state = (long)device.ReadSeq >= seq ? ReceiptState.Read : (long)device.DeliveredSeq >= seq ? ReceiptState.Delivered : ReceiptState.Sent;
                result.Add(new MessageReceipt(device.UserId, await DisplayNameAsync(device.UserId).ConfigureAwait(false), device.DeviceId, state));
            }

            return result;
        }, cancellationToken);
    }

    /// <summary>The conversation list, most recently active first: a peer's handle or a group's name, unread count and last activity.</summary>
    public Task<IReadOnlyList<ChatSummary>> ChatsAsync(CancellationToken cancellationToken = default) =>
        WithGateAsync<IReadOnlyList<ChatSummary>>(async () =>
        {
            var result = new List<ChatSummary>();
            foreach (var chat in await _connection.ListChatsAsync(cancellationToken).ConfigureAwait(false))
            {
                var info = chat.Conversation;
                RememberDirect(info);
                var isGroup = info.Kind == ConversationKind.Group;
                var title = isGroup
                    ? await GroupNameAsync(info.ConversationId).ConfigureAwait(false) ?? info.ConversationId
                    : await DisplayNameAsync(info.MemberUserIds.FirstOrDefault(m => m != UserId) ?? UserId).ConfigureAwait(false);
                result.Add(new ChatSummary(info.ConversationId, title, isGroup, (long)info.LastSeq,
                    chat.LastActivityMs > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(chat.LastActivityMs) : null, (long)chat.Unread, (long)chat.ReadCursor));
            }

            return result;
        }, cancellationToken);

    /// <summary>Blocks <paramref name="handle"/>: no direct message passes between you (the server refuses it); their group messages are dropped on this device.</summary>
    public Task BlockAsync(string handle, CancellationToken cancellationToken = default) => SetBlockedAsync(handle, blocked: true, cancellationToken);

    /// <summary>Lifts a block of <paramref name="handle"/>.</summary>
    public Task UnblockAsync(string handle, CancellationToken cancellationToken = default) => SetBlockedAsync(handle, blocked: false, cancellationToken);

    private Task SetBlockedAsync(string handle, bool blocked, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(handle);
        return WithGateAsync(async () =>
        {
            var user = await LookupAsync(handle, cancellationToken).ConfigureAwait(false);
            if (user.UserId == UserId)
            {
                throw new XChatClientException("You cannot block yourself.");
            }

            await _connection.SetBlockedAsync(user.UserId, blocked, cancellationToken).ConfigureAwait(false);
            var changed = blocked ? _settings.BlockedUsers.Add(user.UserId) : _settings.BlockedUsers.Remove(user.UserId);
            if (changed)
            {
                _settings.Save(_profile.Directory);
            }

            return true;
        }, cancellationToken);
    }

    /// <summary>
    /// For every conversation where this user has sent messages: the other devices whose delivery or read
    /// cursor moved past one of them since the last sync. Remembered in the settings, so each is reported once.
    /// </summary>
    private async Task<List<ReceiptUpdate>> CollectReceiptUpdatesLockedAsync(IReadOnlyList<ConversationInfo> conversations, CancellationToken cancellationToken)
    {
        var updates = new List<ReceiptUpdate>();
        var changed = false;
        foreach (var conversation in conversations)
        {
            var id = conversation.ConversationId;
            var lastOwn = await _profile.Messages.GetLastSentAsync(id, UserId).ConfigureAwait(false);
            if (lastOwn == 0)
            {
                continue;
            }

            var list = await _connection.GetReceiptsAsync(id, cancellationToken).ConfigureAwait(false);
            if (!_settings.ReceiptCursors.TryGetValue(id, out var known))
            {
                _settings.ReceiptCursors[id] = known = new Dictionary<string, long[]>(StringComparer.Ordinal);
            }

            foreach (var device in list.Devices.Where(d => d.UserId != UserId || d.DeviceId != DeviceId))
            {
                var key = $"{device.UserId}/{device.DeviceId}";
                var old = known.TryGetValue(key, out var o) && o.Length == 2 ? o : [0, 0];
                var delivered = Math.Min((long)device.DeliveredSeq, lastOwn);
                var read = Math.Min((long)device.ReadSeq, lastOwn);
                var handle = await DisplayNameAsync(device.UserId).ConfigureAwait(false);
                if (delivered > old[0])
                {
                    updates.Add(new ReceiptUpdate(id, delivered, device.UserId, handle, device.DeviceId, ReceiptState.Delivered));
                }

                if (read > old[1])
                {
                    updates.Add(new ReceiptUpdate(id, read, device.UserId, handle, device.DeviceId, ReceiptState.Read));
                }

                if (delivered > old[0] || read > old[1])
                {
                    known[key] = [Math.Max(delivered, old[0]), Math.Max(read, old[1])];
                    changed = true;
                }
            }
        }

        if (changed)
        {
            _settings.Save(_profile.Directory);
        }

        return updates;
    }

    private static async Task<T> ServerCallAsync<T>(string conversation, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (XChatServerException e) when (e.Code is ErrorCode.NotFound or ErrorCode.Forbidden or ErrorCode.BadRequest)
        {
            throw new XChatClientException($"You are not in a conversation '{conversation}'.", e);
        }
    }

    private static Task ServerCallAsync(string conversation, Func<Task> call) =>
        ServerCallAsync(conversation, async () =>
        {
            await call().ConfigureAwait(false);
            return true;
        });
}
