using System.Globalization;
using System.Text.Json;

namespace XChat.Grains.Attachments;

/// <summary>
/// Attachments as files (standalone mode): one folder per attachment under <c>{data}/attachments/</c>,
/// holding <c>record.json</c> and one file per chunk (<c>000000.chunk</c>, …). The record is written to a
/// temporary file and renamed over the old one, so a crash never leaves a half-written record.
/// </summary>
public sealed class FileAttachmentStore(string rootDirectory) : IAttachmentStore
{
    private const string RecordFile = "record.json";
    private readonly string _root = Path.GetFullPath(rootDirectory);

    public string RootDirectory => _root;

    public Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(_root);
        return Task.CompletedTask;
    }

    public async Task<AttachmentRecord?> GetAsync(string attachmentId, CancellationToken cancellationToken = default)
    {
        var path = Path.Combine(FolderOf(attachmentId), RecordFile);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            await using var stream = File.OpenRead(path);
            return await JsonSerializer.DeserializeAsync<AttachmentRecord>(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null; // collected between the check and the read
        }
    }

    public async Task SaveAsync(AttachmentRecord record, CancellationToken cancellationToken = default)
    {
        var folder = FolderOf(record.AttachmentId);
        Directory.CreateDirectory(folder);
        var temporary = Path.Combine(folder, $"{RecordFile}.{Guid.NewGuid():N}.tmp");
        await File.WriteAllBytesAsync(temporary, JsonSerializer.SerializeToUtf8Bytes(record), cancellationToken).ConfigureAwait(false);
        File.Move(temporary, Path.Combine(folder, RecordFile), overwrite: true);
    }

    public async Task WriteChunkAsync(string attachmentId, int index, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        var folder = FolderOf(attachmentId);
        Directory.CreateDirectory(folder);
        await using var stream = new FileStream(ChunkPath(folder, index), FileMode.Create, FileAccess.Write, FileShare.None);
        await stream.WriteAsync(data, cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<byte[]?> ReadChunkAsync(string attachmentId, int index, CancellationToken cancellationToken = default)
    {
        try
        {
            return await File.ReadAllBytesAsync(ChunkPath(FolderOf(attachmentId), index), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    public Task DeleteAsync(string attachmentId, CancellationToken cancellationToken = default)
    {
        var folder = FolderOf(attachmentId);
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        return Task.CompletedTask;
    }

    public async Task<IReadOnlyList<string>> FindCollectableAsync(long unreferencedCreatedBeforeMs, long nowMs, int limit, CancellationToken cancellationToken = default)
    {
        var found = new List<string>();
        if (!Directory.Exists(_root))
        {
            return found;
        }

        foreach (var folder in Directory.EnumerateDirectories(_root))
        {
            var id = Path.GetFileName(folder);
            if (!AttachmentIds.IsWellFormed(id))
            {
                continue;
            }

            var record = await GetAsync(id, cancellationToken).ConfigureAwait(false);
            var collectable = record is null
                // A folder without a record is an upload that crashed before its first save: judge it by age.
                ? Directory.GetCreationTimeUtc(folder) < DateTimeOffset.FromUnixTimeMilliseconds(unreferencedCreatedBeforeMs).UtcDateTime
                : (!record.Referenced && record.CreatedAtMs < unreferencedCreatedBeforeMs) || record.ExpiresAtMs <= nowMs;
            if (collectable)
            {
                found.Add(id);
                if (found.Count >= limit)
                {
                    break;
                }
            }
        }

        return found;
    }

    /// <summary>The folder of an id; the id is checked first, so no caller can reach outside the root.</summary>
    private string FolderOf(string attachmentId) =>
        AttachmentIds.IsWellFormed(attachmentId)
            ? Path.Combine(_root, attachmentId)
            : throw new ArgumentException("Malformed attachment id.", nameof(attachmentId));

    private static string ChunkPath(string folder, int index) =>
        Path.Combine(folder, index.ToString("D6", CultureInfo.InvariantCulture) + ".chunk");
}
