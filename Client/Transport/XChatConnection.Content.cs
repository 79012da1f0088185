using XChat.Protocol;

namespace XChat.Client.Transport;

// The content operations of PROTOCOL.md §4: delete for everyone, read cursors, receipts, blocking and
// the chat list. Errors as for the other operations (XChatServerException with the code).
public sealed partial class XChatConnection
{
    /// <summary>Deletes one of this user's messages for everyone: the server erases its ciphertext and keeps a tombstone.</summary>
    public async Task DeleteMessageAsync(string conversationId, ulong seq, CancellationToken cancellationToken = default)
    {
        var request = new DeleteMessageRequest { ConversationId = conversationId, Seq = seq };
        Expect(await RequestAsync(new ClientFrame { DeleteMessage = request }, cancellationToken).ConfigureAwait(false), ServerFrame.BodyOneofCase.Ok);
    }

    /// <summary>Moves this device's read cursor forward to <paramref name="seq"/>.</summary>
    public async Task MarkReadAsync(string conversationId, ulong seq, CancellationToken cancellationToken = default)
    {
        var request = new MarkReadRequest { ConversationId = conversationId, Seq = seq };
        Expect(await RequestAsync(new ClientFrame { MarkRead = request }, cancellationToken).ConfigureAwait(false), ServerFrame.BodyOneofCase.Ok);
    }

    /// <summary>Every member device's delivery and read cursor in the conversation.</summary>
    public async Task<ReceiptList> GetReceiptsAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        var request = new GetReceiptsRequest { ConversationId = conversationId };
        return Expect(await RequestAsync(new ClientFrame { GetReceipts = request }, cancellationToken).ConfigureAwait(false), ServerFrame.BodyOneofCase.Receipts).Receipts;
    }

    /// <summary>Blocks (or with <paramref name="blocked"/> false, unblocks) direct messages between this user and <paramref name="userId"/>.</summary>
    public async Task SetBlockedAsync(string userId, bool blocked, CancellationToken cancellationToken = default)
    {
        var frame = blocked
            ? new ClientFrame { BlockUser = new BlockUserRequest { UserId = userId } }
            : new ClientFrame { UnblockUser = new UnblockUserRequest { UserId = userId } };
        Expect(await RequestAsync(frame, cancellationToken).ConfigureAwait(false), ServerFrame.BodyOneofCase.Ok);
    }

    /// <summary>The conversation list, most recently active first, with this device's read cursor and unread count.</summary>
    public async Task<IReadOnlyList<ChatSummary>> ListChatsAsync(CancellationToken cancellationToken = default)
    {
        var answer = await RequestAsync(new ClientFrame { ListChats = new ListChatsRequest() }, cancellationToken).ConfigureAwait(false);
        return Expect(answer, ServerFrame.BodyOneofCase.Chats).Chats.Chats;
    }
}
