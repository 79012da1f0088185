using XChat.Grains.Conversations;
using XChat.Protocol;

namespace XChat.Gateway.Dispatch;

/// <summary>
/// Delete for everyone, read cursors, receipts, blocking and the chat list (PROTOCOL.md §4). The
/// conversation grain checks membership and who may delete; the gateway checks ids and ranges.
/// </summary>
public sealed class ContentDispatcher(GrainReferences references)
{
    private static readonly ServerFrame Ok = new() { Ok = new Empty() };

    public async Task<ServerFrame> DeleteMessageAsync(DeviceAddress device, DeleteMessageRequest request)
    {
        var conversationId = RequestDispatcher.RequireConversationId(request.ConversationId);
        await references.Conversation(conversationId).DeleteMessageAsync(device, RequestDispatcher.ToSeq(request.Seq));
        return Ok;
    }

    public async Task<ServerFrame> MarkReadAsync(DeviceAddress device, MarkReadRequest request)
    {
        var conversationId = RequestDispatcher.RequireConversationId(request.ConversationId);
        // As for Ack: membership and range are checked first, so a bad request stores nothing.
        var snapshot = await references.Conversation(conversationId).GetAsync(device.UserId);
        var seq = RequestDispatcher.ToSeq(request.Seq);
        if (seq > snapshot.LastSeq)
        {
            throw new RequestException(ErrorCode.BadRequest, "Cannot mark read beyond the last message.");
        }

        await references.Device(device).MarkReadAsync(conversationId, seq);
        return Ok;
    }

    public async Task<ServerFrame> GetReceiptsAsync(DeviceAddress device, GetReceiptsRequest request)
    {
        var conversationId = RequestDispatcher.RequireConversationId(request.ConversationId);
        var receipts = await references.Conversation(conversationId).GetReceiptsAsync(device.UserId);
        var list = new ReceiptList { ConversationId = conversationId };
        list.Devices.AddRange(receipts.Select(r => new Protocol.DeviceReceipt
        {
            UserId = r.UserId,
            DeviceId = r.DeviceId,
            ReadSeq = (ulong)Math.Max(0, r.ReadSeq),
        }));
        return new ServerFrame { Receipts = list };
    }

    public async Task<ServerFrame> SetBlockAsync(DeviceAddress device, string userId, bool blocked)
    {
        var other = RequestDispatcher.RequireUserId(userId);
        if (other == device.UserId)
        {
            throw new RequestException(ErrorCode.BadRequest, "A user cannot block themself.");
        }

        await references.Conversation(ConversationIds.ForDirect(device.UserId, other)).SetBlockAsync(device.UserId, other, blocked);
        return Ok;
    }

    public async Task<ServerFrame> ListChatsAsync(DeviceAddress device)
    {
        var ids = await references.User(device.UserId).GetConversationsAsync();
        var deviceGrain = references.Device(device);
        var cursors = await deviceGrain.GetCursorsAsync();
        var reads = await deviceGrain.GetReadCursorsAsync();
        var chats = await Task.WhenAll(ids.Select(id => references.Conversation(id).GetChatAsync(device.UserId, reads.GetValueOrDefault(id))));
        var list = new ChatList();
        list.Chats.AddRange(chats
            .OrderByDescending(c => c.LastActivityMs)
            .ThenBy(c => c.Conversation.ConversationId, StringComparer.Ordinal)
            .Select(c => new ChatSummary
            {
                Conversation = ProtoMapping.ToInfo(c.Conversation, cursors.GetValueOrDefault(c.Conversation.ConversationId)),
                LastActivityMs = c.LastActivityMs,
                ReadCursor = (ulong)Math.Max(0, reads.GetValueOrDefault(c.Conversation.ConversationId)),
                Unread = (ulong)Math.Max(0, c.Unread),
            }));
        return new ServerFrame { Chats = list };
    }
}
