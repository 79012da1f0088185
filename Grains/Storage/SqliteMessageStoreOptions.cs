namespace XChat.Grains.Storage;

/// <summary>Settings of <see cref="SqliteMessageStore"/>.</summary>
public sealed class SqliteMessageStoreOptions : MessageStoreOptions
{
    /// <summary>
    /// Path of the SQLite database file, relative to the working directory or absolute. Its folder
    /// is created if missing. The default is "data/xchat-messages.db".
    /// </summary>
    public string DatabasePath { get; set; } = Path.Combine("data", "xchat-messages.db");

    /// <summary>
    /// How long a connection waits for a lock held by another connection or process before it
    /// fails. The default is five seconds.
    /// </summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The writer's <c>PRAGMA synchronous</c>. <see cref="SqliteSynchronousMode.Full"/> fsyncs the
    /// WAL on every commit, so an acknowledged message survives power loss; with group commit that
    /// is one fsync per batch, not per message. The default is <see cref="SqliteSynchronousMode.Full"/>.
    /// </summary>
    public SqliteSynchronousMode Synchronous { get; set; } = SqliteSynchronousMode.Full;

    /// <summary>
    /// The writer connection's page cache in KiB (<c>PRAGMA cache_size</c>): the hot pages of the log's
    /// indexes stay in memory between commits. Bigger is not free below 1 GiB of database: when a
    /// b-tree split reorders its new pages, SQLite parks one under the page number of the 1 GiB lock
    /// page, and the end of that transaction then walks the whole cache (about 0.6 ms at 64 MiB, 0.14 ms
    /// at 16 MiB, measured on the write path; benchmarks/README.md). The default is 16,384 (16 MiB).
    /// </summary>
    public int PageCacheKiB { get; set; } = 16 * 1024;

    /// <inheritdoc />
    public override IEnumerable<string> Validate()
    {
        foreach (var problem in base.Validate())
        {
            yield return problem;
        }

        if (string.IsNullOrWhiteSpace(DatabasePath))
        {
            yield return $"{nameof(DatabasePath)} is required.";
        }

        if (BusyTimeout < TimeSpan.Zero || BusyTimeout > TimeSpan.FromMinutes(10))
        {
            yield return $"{nameof(BusyTimeout)} must be between zero and ten minutes.";
        }

        if (PageCacheKiB is < 256 or > 1024 * 1024)
        {
            yield return $"{nameof(PageCacheKiB)} must be between 256 KiB and 1 GiB.";
        }
    }
}
