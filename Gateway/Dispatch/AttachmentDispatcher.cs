using Google.Protobuf;
using XChat.Grains.Attachments;
using XChat.Grains.Conversations;
using XChat.Protocol;

namespace XChat.Gateway.Dispatch;

/// <summary>Attachment uploads and downloads over the WebSocket (PROTOCOL.md "Attachments"). The grains check membership.</summary>
public sealed class AttachmentDispatcher(IGrainFactory grains)
{
    /// <summary>Most attachments one message may reference.</summary>
    public const int MaxAttachmentsPerMessage = 32;

    public async Task<ServerFrame> StartAsync(DeviceAddress device, StartUploadRequest request)
    {
        var conversationId = RequestDispatcher.RequireConversationId(request.ConversationId);
        if (request.Size > long.MaxValue)
        {
            throw new RequestException(ErrorCode.PayloadTooLarge, "The attachment is too large.");
        }

        var info = await grains.GetGrain<IAttachmentGrain>(AttachmentIds.New()).StartAsync(device, conversationId, (long)request.Size);
        return ToFrame(info);
    }

    public async Task<ServerFrame> UploadChunkAsync(DeviceAddress device, UploadChunkRequest request)
    {
        var info = await Grain(request.AttachmentId).AppendChunkAsync(device, checked((int)Math.Min(request.Index, int.MaxValue)), request.Data.ToByteArray());
        return ToFrame(info);
    }

    public async Task<ServerFrame> FinishAsync(DeviceAddress device, FinishUploadRequest request) =>
        ToFrame(await Grain(request.AttachmentId).FinishAsync(device));

    public async Task<ServerFrame> GetAsync(DeviceAddress device, GetAttachmentRequest request) =>
        ToFrame(await Grain(request.AttachmentId).GetAsync(device.UserId));

    public async Task<ServerFrame> DownloadChunkAsync(DeviceAddress device, DownloadChunkRequest request)
    {
        var chunk = await Grain(request.AttachmentId).ReadChunkAsync(device.UserId, (int)Math.Min(request.Index, int.MaxValue));
        return new ServerFrame
        {
            AttachmentChunk = new AttachmentChunk
            {
                AttachmentId = request.AttachmentId,
                Index = (uint)chunk.Index,
                Data = UnsafeByteOperations.UnsafeWrap(chunk.Data),
                Last = chunk.Last,
            },
        };
    }

    /// <summary>Binds a send's attachments to it; every id must be a finished upload of the sender in this conversation.</summary>
    public async Task ReferenceAsync(DeviceAddress device, string conversationId, IReadOnlyCollection<string> attachmentIds)
    {
        if (attachmentIds.Count == 0)
        {
            return;
        }

        if (attachmentIds.Count > MaxAttachmentsPerMessage)
        {
            throw new RequestException(ErrorCode.BadRequest, $"A message references at most {MaxAttachmentsPerMessage} attachments.");
        }

        var grainsToMark = attachmentIds.Distinct(StringComparer.Ordinal).Select(Grain).ToArray();
        await Task.WhenAll(grainsToMark.Select(g => g.ReferenceAsync(device, conversationId)));
    }

    private IAttachmentGrain Grain(string attachmentId) =>
        AttachmentIds.IsWellFormed(attachmentId)
            ? grains.GetGrain<IAttachmentGrain>(attachmentId)
            : throw new RequestException(ErrorCode.BadRequest, "Malformed attachment id.");

    private static ServerFrame ToFrame(AttachmentInfo info) => new()
    {
        Upload = new UploadInfo
        {
            AttachmentId = info.AttachmentId,
            ConversationId = info.ConversationId,
            Size = (ulong)info.Size,
            Received = (ulong)info.Received,
            Chunks = (uint)info.Chunks,
            Finished = info.Finished,
            MaxChunkBytes = AttachmentIds.MaxChunkBytes,
        },
    };
}
