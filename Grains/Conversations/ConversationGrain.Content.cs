using System.Data.Common;
using XChat.Grains.Devices;
using XChat.Grains.Errors;
using XChat.Grains.Storage;

namespace XChat.Grains.Conversations;

// Delete for everyone, the chat list entry, receipts and blocking (PROTOCOL.md §4). The content of
// edits, replies and reactions is encrypted: the server only sees them as messages.
public sealed partial class ConversationGrain
{
    // The server time (_activityMs) of the last message that is neither silent nor quiet, as of seq _activitySeq (-1: not looked
    // yet), brought up to date from the store when the log moved past it.
    private long _activitySeq = -1;
    private long _activityMs;

    public async Task DeleteMessageAsync(DeviceAddress caller, long seq)
    {
        EnsureMember(caller.UserId);
        if (seq < 1 || seq > _lastSeq)
        {
            throw new NotFoundException("No message has this seq.");
        }

        var rows = await ReadStoreAsync(() => store.ReadAfterAsync(Id, seq - 1, 1));
        if (rows is not [{ } row] || row.Seq != seq)
        {
            throw new NotFoundException("No message has this seq.");
        }

        if (row.Sender.UserId != caller.UserId)
        {
            throw new ForbiddenException("Only the sender may delete a message for everyone.");
        }

        if (row.DeletedMs is not null)
        {
            return;
        }

        // In a group the per-device ciphertexts carry only the sender's sender-key distribution
        // (CONTENT.md): devices that sync later need it for the messages after this one, and it holds
        // no content. In a direct conversation they are the content.
        var keepDeviceCiphertexts = state.State.Kind == ConversationKind.Group;
        await ReadStoreAsync(() => store.EraseMessageAsync(Id, seq, time.GetUtcNow().ToUnixTimeMilliseconds(), keepDeviceCiphertexts));
    }

    public async Task<ChatSnapshot> GetChatAsync(string callerUserId, long readCursor)
    {
        EnsureMember(callerUserId);
        var lastSeq = _lastSeq;
        if (_activitySeq != lastSeq)
        {
            // Silent messages (receipts) are not activity: only the newest other message since the last
            // look counts. Computed here, when the chat list is read, so that appends pay nothing for it.
            var after = Math.Max(0, _activitySeq);
            var last = lastSeq == 0 ? null : await ReadStoreAsync(() => store.GetLastActivityAsync(Id, after));
            if (last is { } ms)
            {
                _activityMs = ms;
            }
            else if (_activitySeq < 0)
            {
                _activityMs = state.State.CreatedAt.ToUnixTimeMilliseconds();
            }

            _activitySeq = lastSeq;
        }

        var unread = readCursor < lastSeq ? await ReadStoreAsync(() => store.CountUnreadAsync(Id, Math.Max(0, readCursor), callerUserId)) : 0;
        return new ChatSnapshot(Snapshot(), _activityMs, unread);
    }

    public async Task<IReadOnlyList<DeviceReceipt>> GetReceiptsAsync(string callerUserId)
    {
        EnsureMember(callerUserId);
        var devices = await MemberDevicesAsync();
        // Read cursors only: a device's delivery cursor is for its own sync, never shown to the members.
        var read = await Task.WhenAll(devices.Select(d => GrainFactory.GetGrain<IDeviceGrain>(d.Key).GetReadCursorAsync(Id)));
        return devices.Select((d, i) => new DeviceReceipt(d.UserId, d.DeviceId, read[i])).ToArray();
    }

    public async Task SetBlockAsync(string blockerUserId, string blockedUserId, bool blocked)
    {
        if (Id != ConversationIds.ForDirect(blockerUserId, blockedUserId))
        {
            throw new InvalidRequestException("A block is set on the direct conversation of the two users.");
        }

        if (blocked)
        {
            await EnsureUsersExistAsync([blockedUserId]);
        }

        var before = state.State.BlockedBy.ToList();
        if (blocked && !before.Contains(blockerUserId))
        {
            state.State.BlockedBy.Add(blockerUserId);
        }
        else if (!blocked && before.Contains(blockerUserId))
        {
            state.State.BlockedBy.Remove(blockerUserId);
        }
        else
        {
            return;
        }

        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // A failed request changes nothing, in memory either.
            state.State.BlockedBy = before;
            throw;
        }
    }

    /// <summary>A direct conversation where either user blocked the other takes no message, from either side.</summary>
    private void EnsureNotBlocked()
    {
        if (state.State.BlockedBy.Count > 0 && state.State.Kind == ConversationKind.Direct)
        {
            throw new BlockedException("Messages between these users are blocked.");
        }
    }

    private static async Task<T> ReadStoreAsync<T>(Func<Task<T>> read)
    {
        try
        {
            return await read();
        }
        catch (DbException)
        {
            throw new StorageUnavailableException("Storage is unavailable; retry.");
        }
    }
}
