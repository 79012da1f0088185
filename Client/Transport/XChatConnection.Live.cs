using Google.Protobuf;
using XChat.Protocol;

namespace XChat.Client.Transport;

// Typing, presence, the disappearing timer and attachment transfer (PROTOCOL.md "Typing and presence",
// "Disappearing messages", "Attachments"). Each fails like the other operations (XChatServerException,
// ConnectionLostException, TimeoutException); none is retried across a reconnect except by the caller.
public sealed partial class XChatConnection
{
    /// <summary>Raised on the receive loop for each typing push; handlers must not block.</summary>
    public event Action<TypingPush>? TypingReceived;

    private void OnTyping(TypingPush typing) => TypingReceived?.Invoke(typing);

    public async Task SendTypingAsync(string conversationId, bool typing, CancellationToken cancellationToken = default) =>
        Expect(await RequestAsync(new ClientFrame { Typing = new TypingRequest { ConversationId = conversationId, Typing = typing } }, cancellationToken).ConfigureAwait(false),
            ServerFrame.BodyOneofCase.Ok);

    public async Task<IReadOnlyList<Presence>> GetPresenceAsync(IEnumerable<string> userIds, CancellationToken cancellationToken = default)
    {
        var request = new GetPresenceRequest();
        request.UserIds.AddRange(userIds);
        var answer = await RequestAsync(new ClientFrame { GetPresence = request }, cancellationToken).ConfigureAwait(false);
        return Expect(answer, ServerFrame.BodyOneofCase.Presence).Presence.Users;
    }

    public async Task SetPresenceHiddenAsync(bool hidden, CancellationToken cancellationToken = default) =>
        Expect(await RequestAsync(new ClientFrame { SetPresenceVisibility = new SetPresenceVisibilityRequest { Hidden = hidden } }, cancellationToken).ConfigureAwait(false),
            ServerFrame.BodyOneofCase.Ok);

    public async Task<ConversationInfo> SetDisappearingAsync(string conversationId, uint durationSeconds, CancellationToken cancellationToken = default)
    {
        var request = new SetDisappearingRequest { ConversationId = conversationId, DurationSeconds = durationSeconds };
        var answer = await RequestAsync(new ClientFrame { SetDisappearing = request }, cancellationToken).ConfigureAwait(false);
        return Expect(answer, ServerFrame.BodyOneofCase.Conversation).Conversation;
    }

    public async Task<UploadInfo> StartUploadAsync(string conversationId, long size, CancellationToken cancellationToken = default)
    {
        var answer = await RequestAsync(new ClientFrame { StartUpload = new StartUploadRequest { ConversationId = conversationId, Size = (ulong)size } }, cancellationToken).ConfigureAwait(false);
        return Expect(answer, ServerFrame.BodyOneofCase.Upload).Upload;
    }

    public async Task<UploadInfo> UploadChunkAsync(string attachmentId, int index, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        var request = new UploadChunkRequest { AttachmentId = attachmentId, Index = (uint)index, Data = UnsafeByteOperations.UnsafeWrap(data) };
        var answer = await RequestAsync(new ClientFrame { UploadChunk = request }, cancellationToken).ConfigureAwait(false);
        return Expect(answer, ServerFrame.BodyOneofCase.Upload).Upload;
    }

    public async Task<UploadInfo> FinishUploadAsync(string attachmentId, CancellationToken cancellationToken = default)
    {
        var answer = await RequestAsync(new ClientFrame { FinishUpload = new FinishUploadRequest { AttachmentId = attachmentId } }, cancellationToken).ConfigureAwait(false);
        return Expect(answer, ServerFrame.BodyOneofCase.Upload).Upload;
    }

    public async Task<UploadInfo> GetAttachmentAsync(string attachmentId, CancellationToken cancellationToken = default)
    {
        var answer = await RequestAsync(new ClientFrame { GetAttachment = new GetAttachmentRequest { AttachmentId = attachmentId } }, cancellationToken).ConfigureAwait(false);
        return Expect(answer, ServerFrame.BodyOneofCase.Upload).Upload;
    }

    public async Task<AttachmentChunk> DownloadChunkAsync(string attachmentId, int index, CancellationToken cancellationToken = default)
    {
        var request = new DownloadChunkRequest { AttachmentId = attachmentId, Index = (uint)index };
        var answer = await RequestAsync(new ClientFrame { DownloadChunk = request }, cancellationToken).ConfigureAwait(false);
        return Expect(answer, ServerFrame.BodyOneofCase.AttachmentChunk).AttachmentChunk;
    }
}
