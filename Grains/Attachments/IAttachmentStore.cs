namespace XChat.Grains.Attachments;

/// <summary>
/// The blob store of attachment ciphertext: one implementation per deployment (files under the data
/// folder in standalone mode, PostgreSQL in a cluster), like <see cref="Storage.IMessageStore"/>. Chunks
/// are opaque; only the attachment grain of an id writes it, so calls for one id never race.
/// </summary>
public interface IAttachmentStore
{
    /// <summary>Creates tables or folders if missing. Idempotent.</summary>
    Task InitializeAsync(CancellationToken cancellationToken = default);

    /// <summary>The record, or null when there is no such attachment.</summary>
    Task<AttachmentRecord?> GetAsync(string attachmentId, CancellationToken cancellationToken = default);

    /// <summary>Creates or replaces the record.</summary>
    Task SaveAsync(AttachmentRecord record, CancellationToken cancellationToken = default);

    /// <summary>Stores chunk <paramref name="index"/>, replacing one stored under the same index.</summary>
    Task WriteChunkAsync(string attachmentId, int index, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default);

    /// <summary>Chunk <paramref name="index"/>, or null when it is not stored.</summary>
    Task<byte[]?> ReadChunkAsync(string attachmentId, int index, CancellationToken cancellationToken = default);

    /// <summary>Deletes the record and every chunk. Deleting a missing attachment is a no-op.</summary>
    Task DeleteAsync(string attachmentId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Ids of attachments to collect, at most <paramref name="limit"/>: never referenced and created before
    /// <paramref name="unreferencedCreatedBeforeMs"/>, or expired at or before <paramref name="nowMs"/>.
    /// </summary>
    Task<IReadOnlyList<string>> FindCollectableAsync(long unreferencedCreatedBeforeMs, long nowMs, int limit, CancellationToken cancellationToken = default);
}
