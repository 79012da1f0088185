namespace XChat.Grains.Attachments;

/// <summary>
/// What the blob store keeps about one upload besides its chunks. <see cref="ExpiresAtMs"/> is set when
/// a disappearing message referenced it; the attachment is erased then.
/// </summary>
public sealed record AttachmentRecord(
    string AttachmentId,
    string ConversationId,
    string UploaderUserId,
    uint UploaderDeviceId,
    long Size,
    long Received,
    int Chunks,
    bool Finished,
    bool Referenced,
    long CreatedAtMs,
    long? ExpiresAtMs = null);
