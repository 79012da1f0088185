using XChat.Grains.Conversations;

namespace XChat.Grains.Attachments;

/// <summary>
/// One uploaded attachment (key: attachment id, from <see cref="AttachmentIds.New"/>): opaque ciphertext
/// chunks bound to the conversation they were uploaded for. Only members of that conversation may read it;
/// only the uploading device may write it.
/// </summary>
public interface IAttachmentGrain : IGrainWithStringKey
{
    /// <summary>Creates the upload. The uploader must be a member of the conversation; size is the total ciphertext size.</summary>
    Task<AttachmentInfo> StartAsync(DeviceAddress uploader, string conversationId, long size);

    /// <summary>Stores chunk <paramref name="index"/> (the next one, or the last one again as a retry).</summary>
    Task<AttachmentInfo> AppendChunkAsync(DeviceAddress uploader, int index, byte[] data);

    /// <summary>Completes the upload once every declared byte arrived.</summary>
    Task<AttachmentInfo> FinishAsync(DeviceAddress uploader);

    /// <summary>The upload's progress; the caller must be a member of its conversation.</summary>
    Task<AttachmentInfo> GetAsync(string callerUserId);

    /// <summary>One chunk of a finished attachment; the caller must be a member of its conversation.</summary>
    Task<AttachmentChunkData> ReadChunkAsync(string callerUserId, int index);

    /// <summary>
    /// Marks a finished upload of the sender's user in <paramref name="conversationId"/> as referenced by a
    /// message, so it is not collected. When the conversation has a disappearing timer, the attachment
    /// expires with the message and is erased then.
    /// </summary>
    Task ReferenceAsync(DeviceAddress sender, string conversationId);
}

/// <summary>An upload's state as a member sees it.</summary>
[GenerateSerializer, Immutable, Alias("xchat.AttachmentInfo")]
public sealed record AttachmentInfo(
    [property: Id(0)] string AttachmentId,
    [property: Id(1)] string ConversationId,
    [property: Id(2)] long Size,
    [property: Id(3)] long Received,
    [property: Id(4)] int Chunks,
    [property: Id(5)] bool Finished);

/// <summary>One chunk of ciphertext and whether it is the last.</summary>
[GenerateSerializer, Immutable, Alias("xchat.AttachmentChunkData")]
public sealed record AttachmentChunkData(
    [property: Id(0)] int Index,
    [property: Id(1)] byte[] Data,
    [property: Id(2)] bool Last);
