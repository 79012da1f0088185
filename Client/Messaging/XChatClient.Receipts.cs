using Google.Protobuf;
using XChat.Client.Errors;
using XChat.Client.Ratchet;
using XChat.Client.Storage;
using XChat.Client.Transport;
using XChat.Protocol;

namespace XChat.Client.Messaging;

// Receipts, read cursors, the chat list and blocking (Protocol/CONTENT.md §4). Delivered: after a sync
// round fetched other users' messages in a conversation, this device sends their senders' devices one
// silent message, encrypted per device, saying "delivered through seq X"; the receipts other devices
// send are recorded in the encrypted profile. The server sees only that a silent message of some size
// went from one device to others. Read: the server's read cursors (MarkRead), the one server-visible part.
public sealed partial class XChatClient
{
    private int _receiptSendFailures;

    /// <summary>The users this device blocked (user ids).</summary>
    public IReadOnlyCollection<string> BlockedUserIds => _settings.BlockedUsers;

    /// <summary>How many delivery receipts could not be sent (diagnostics; the syncs that owed them went on).</summary>
    public int ReceiptSendFailures => Volatile.Read(ref _receiptSendFailures);

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
    /// recipients' devices and this user's other devices): read when the device's read cursor on the server
    /// reached it, delivered when the device's encrypted receipt (as this device received it) did, otherwise
    /// sent. This user's other devices send no receipts for its own messages, so they show sent or read.
    /// </summary>
    public Task<IReadOnlyList<MessageReceipt>> ReceiptsAsync(string conversation, long seq, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversation);
        return WithGateAsync<IReadOnlyList<MessageReceipt>>(async () =>
        {
            var list = await ServerCallAsync(conversation, () => _connection.GetReceiptsAsync(conversation, cancellationToken)).ConfigureAwait(false);
            var delivered = _profile.Receipts.Get(conversation);
            var result = new List<MessageReceipt>();
            foreach (var device in list.Devices.Where(d => d.UserId != UserId || d.DeviceId != DeviceId))
            {
                var known = delivered.GetValueOrDefault(ReceiptStore.DeviceKey(device.UserId, device.DeviceId))?.Delivered ?? 0;
                var state = (long)device.ReadSeq >= seq ? ReceiptState.Read : known >= seq ? ReceiptState.Delivered : ReceiptState.Sent;
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
    /// Sends the delivery receipt a sync round owes: one silent message to every current device of the users
    /// whose messages it fetched (their other devices too, so they all show the receipt), but this one. A
    /// receipt that cannot be sent within <see cref="XChatConnectionOptions.ReceiptDeadline"/> is dropped
    /// (counted in <see cref="ReceiptSendFailures"/>): the messages were delivered either way, and the sync
    /// must not fail or stall over it (a rate-limited send would otherwise wait for minutes). A device set
    /// that changed since the lookup is looked up again once, as for any send.
    /// </summary>
    private async Task SendDeliveryReceiptLockedAsync(ConversationInfo conversation, DeliveryReceipt receipt, CancellationToken cancellationToken)
    {
        if (receipt.Through == 0)
        {
            return;
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_connection.Options.ReceiptDeadline);
        try
        {
            var group = conversation.Kind == ConversationKind.Group ? await _profile.Groups.GetAsync(conversation.ConversationId).ConfigureAwait(false) : null;
            var plaintext = MessageBody.ForReceipt(receipt.Through, Handle, DateTimeOffset.UtcNow).Serialize();
            var clientMessageId = XChatConnection.NewClientMessageId();
            for (var attempt = 1; ; attempt++)
            {
                var (handles, targets) = await ReceiptTargetsLockedAsync(receipt, group, deadline.Token).ConfigureAwait(false);
                if (targets.Count == 0)
                {
                    return;
                }

                var request = new SendRequest { ConversationId = conversation.ConversationId, ClientMessageId = clientMessageId, Silent = true };
                await AddDeviceCiphertextsAsync(request, targets, plaintext, deadline.Token).ConfigureAwait(false);

                try
                {
                    await _connection.SendAsync(request, deadline.Token).ConfigureAwait(false);
                    return;
                }
                catch (XChatServerException e) when (attempt == 1 && IsMismatchedDevices(e))
                {
                    // A device was removed (or the list was old): look the senders up again and retry once.
                    foreach (var handle in handles)
                    {
                        _deviceLists.Remove(handle);
                    }

                    Interlocked.Increment(ref _mismatchedDeviceRetries);
                }
            }
        }
        catch (Exception e) when (e is XChatServerException or XChatClientException or SessionException or IdentityChangedException
            or ConnectionLostException or TimeoutException)
        {
            // Nothing is logged: the reason could name the peers. BLOCKED lands here too.
            Interlocked.Increment(ref _receiptSendFailures);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // Past the receipt deadline (rate limited, reconnecting): dropped like a refused one.
            Interlocked.Increment(ref _receiptSendFailures);
        }
    }

    /// <summary>
    /// The devices a receipt goes to: every device of every sender this device knows by handle (from its
    /// contacts or the group's member list), whose identities are not changed since verified, and that it did
    /// not block. Also the handles it looked up, to forget their device lists when the server disagrees.
    /// Device lists are remembered between sends, as for direct messages; one that lacks a device the round
    /// received from is out of date and looked up again (the server does not report devices a silent
    /// message misses).
    /// </summary>
    private async Task<(List<string> Handles, List<(string UserId, DeviceInfo Device)> Targets)> ReceiptTargetsLockedAsync(
        DeliveryReceipt receipt, StoredGroup? group, CancellationToken cancellationToken)
    {
        var handles = new List<string>();
        var targets = new List<(string UserId, DeviceInfo Device)>();
        foreach (var userId in receipt.SenderUserIds)
        {
            if (_settings.BlockedUsers.Contains(userId))
            {
                continue;
            }

            var handle = await _profile.Contacts.GetHandleAsync(userId).ConfigureAwait(false)
                ?? group?.Members.FirstOrDefault(m => m.UserId == userId)?.Handle;
            if (handle is null)
            {
                continue; // a sender whose handle was never confirmed: no way to look up its devices
            }

            handles.Add(handle);
            var user = await DeviceListAsync(handle, cancellationToken).ConfigureAwait(false);
            if (receipt.SenderDevices.Any(d => d.UserId == userId && user.Devices.All(known => known.DeviceId != d.DeviceId)))
            {
                _deviceLists.Remove(handle);
                user = await DeviceListAsync(handle, cancellationToken).ConfigureAwait(false);
            }

            if (user.UserId != userId)
            {
                continue;
            }

            try
            {
                await EnsureTrustedLockedAsync(user).ConfigureAwait(false);
            }
            catch (IdentityChangedException)
            {
                continue; // no receipt to keys the user has not accepted; a send would refuse them too
            }

            targets.AddRange(user.Devices.Where(d => userId != UserId || d.DeviceId != DeviceId).Select(d => (userId, d)));
        }

        return (handles, targets);
    }

    /// <summary>
    /// A silent message: a delivery receipt from another device, recorded in the profile (never stored or
    /// shown as a message). One this device already read (pushed, then synced) fails as a duplicate and is
    /// skipped quietly; receipts only ever raise what is recorded.
    /// </summary>
    private async Task ProcessSilentLockedAsync(Envelope envelope, List<MessageFailure> failures)
    {
        var conversation = envelope.ConversationId;
        var seq = (long)envelope.Seq;
        var ownDevice = envelope.SenderUserId == UserId && envelope.SenderDeviceId == DeviceId;
        var blocked = conversation.StartsWith("g_", StringComparison.Ordinal) && _settings.BlockedUsers.Contains(envelope.SenderUserId);
        if (ownDevice || blocked || envelope.Erased || envelope.Deleted || envelope.DeviceCiphertext.IsEmpty)
        {
            return; // sent by this device, dropped, gone, or addressed to other devices only
        }

        var (plaintext, failure) = await DecryptPairwiseLockedAsync(envelope).ConfigureAwait(false);
        if (failure?.Kind == MessageFailureKind.DuplicateMessage)
        {
            return;
        }

        MessageBody? body = null;
        if (plaintext is not null)
        {
            try
            {
                body = MessageBody.Parse(plaintext);
            }
            catch (FormatException e)
            {
                failure = new MessageFailure(conversation, seq, envelope.SenderUserId, envelope.SenderDeviceId, MessageFailureKind.UnsupportedBody, e.Message);
            }
        }

        if (body is not { Type: MessageBody.ReceiptType, Delivered: { } delivered })
        {
            failures.Add(failure ?? new MessageFailure(conversation, seq, envelope.SenderUserId, envelope.SenderDeviceId,
                MessageFailureKind.UnsupportedBody, "A silent message carries only a receipt."));
            return;
        }

        // A receipt can only vouch for messages before it.
        _profile.Receipts.RecordDelivered(conversation, ReceiptStore.DeviceKey(envelope.SenderUserId, envelope.SenderDeviceId), Math.Min(delivered, seq - 1));
    }

    /// <summary>
    /// For every conversation where this user has sent messages: the other devices whose delivery (from their
    /// encrypted receipts) or read cursor (from the server) moved past one of them since the last report.
    /// What was reported is kept in the profile, so each is reported once.
    /// </summary>
    private async Task<List<ReceiptUpdate>> CollectReceiptUpdatesLockedAsync(IReadOnlyList<ConversationInfo> conversations, CancellationToken cancellationToken)
    {
        var updates = new List<ReceiptUpdate>();
        foreach (var conversation in conversations)
        {
            var id = conversation.ConversationId;
            var lastOwn = await _profile.Messages.GetLastSentAsync(id, UserId).ConfigureAwait(false);
            if (lastOwn == 0)
            {
                continue;
            }

            var known = _profile.Receipts.Get(id);
            var changed = false;
            var list = await _connection.GetReceiptsAsync(id, cancellationToken).ConfigureAwait(false);
            foreach (var device in list.Devices.Where(d => d.UserId != UserId || d.DeviceId != DeviceId))
            {
                var key = ReceiptStore.DeviceKey(device.UserId, device.DeviceId);
                var record = known.GetValueOrDefault(key) ?? new DeviceReceiptRecord();
                var read = Math.Min((long)device.ReadSeq, lastOwn);
                if (read > record.ReportedRead)
                {
                    updates.Add(new ReceiptUpdate(id, read, device.UserId, await DisplayNameAsync(device.UserId).ConfigureAwait(false), device.DeviceId, ReceiptState.Read));
                    known[key] = record with { ReportedRead = read };
                    changed = true;
                }
            }

            foreach (var (key, record) in known.ToList())
            {
                var delivered = Math.Min(record.Delivered, lastOwn);
                if (delivered > record.ReportedDelivered && ReceiptStore.TryParseDeviceKey(key, out var userId, out var deviceId))
                {
                    updates.Add(new ReceiptUpdate(id, delivered, userId, await DisplayNameAsync(userId).ConfigureAwait(false), deviceId, ReceiptState.Delivered));
                    known[key] = record with { ReportedDelivered = delivered };
                    changed = true;
                }
            }

            if (changed)
            {
                _profile.Receipts.Save(id, known);
            }
        }

        return updates;
    }

    /// <summary>
    /// Moves the receipt positions that profiles made before encrypted receipts kept in clear in client.json
    /// into the encrypted profile, then drops them from the file. Their delivery came from the server's
    /// cursors; it stays as what was delivered and reported.
    /// </summary>
    private static void MoveLegacyReceiptCursors(DeviceProfile profile, ClientSettings settings)
    {
        if (settings.ReceiptCursors is null)
        {
            return;
        }

        foreach (var (conversation, devices) in settings.ReceiptCursors)
        {
            var known = profile.Receipts.Get(conversation);
            foreach (var (key, positions) in devices)
            {
                if (positions is not [var delivered, var read])
                {
                    continue;
                }

                var record = known.GetValueOrDefault(key) ?? new DeviceReceiptRecord();
                known[key] = new DeviceReceiptRecord
                {
                    Delivered = Math.Max(record.Delivered, delivered),
                    ReportedDelivered = Math.Max(record.ReportedDelivered, delivered),
                    ReportedRead = Math.Max(record.ReportedRead, read),
                };
            }

            profile.Receipts.Save(conversation, known);
        }

        settings.ReceiptCursors = null;
        settings.Save(profile.Directory);
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
