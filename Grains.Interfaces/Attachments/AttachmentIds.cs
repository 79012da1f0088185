namespace XChat.Grains.Attachments;

/// <summary>Attachment ids: 32 lower-case hex characters chosen by the server, unguessable (a random GUID).</summary>
public static class AttachmentIds
{
    /// <summary>Largest chunk an upload accepts, in bytes: 128 KiB, well inside the gateway's 256 KiB frame.</summary>
    public const int MaxChunkBytes = 128 * 1024;

    public static string New() => Guid.NewGuid().ToString("N");

    public static bool IsWellFormed(string? id) => Identifiers.IsLowerHexId(id);
}
