using System.Security.Cryptography;
using XChat.Grains.Attachments;

namespace XChat.Grains.Tests.Storage;

/// <summary>The <see cref="IAttachmentStore"/> contract on every backend (files, PostgreSQL).</summary>
public abstract class AttachmentStoreTests : IAsyncLifetime
{
    protected IAttachmentStore Store { get; private set; } = null!;

    protected abstract IAttachmentStore CreateStore();

    public async Task InitializeAsync()
    {
        Store = CreateStore();
        await Store.InitializeAsync();
        await Store.InitializeAsync(); // idempotent
    }

    public virtual async Task DisposeAsync()
    {
        if (Store is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
    }

    private static AttachmentRecord NewRecord(long createdAtMs, bool referenced = false, long? expiresAtMs = null) =>
        new(AttachmentIds.New(), "d_a_b", "alice", 1, 10, 0, 0, Finished: false, referenced, createdAtMs, expiresAtMs);

    [Fact]
    public async Task SaveAndWriteChunks_ReadBack_Same()
    {
        var record = NewRecord(1000);
        await Store.SaveAsync(record);
        var first = RandomNumberGenerator.GetBytes(7);
        var second = RandomNumberGenerator.GetBytes(3);
        await Store.WriteChunkAsync(record.AttachmentId, 0, first);
        await Store.WriteChunkAsync(record.AttachmentId, 1, RandomNumberGenerator.GetBytes(3));
        await Store.WriteChunkAsync(record.AttachmentId, 1, second); // a retry replaces
        var finished = record with { Received = 10, Chunks = 2, Finished = true };
        await Store.SaveAsync(finished);

        Assert.Equal(finished, await Store.GetAsync(record.AttachmentId));
        Assert.Equal(first, await Store.ReadChunkAsync(record.AttachmentId, 0));
        Assert.Equal(second, await Store.ReadChunkAsync(record.AttachmentId, 1));
        Assert.Null(await Store.ReadChunkAsync(record.AttachmentId, 2));
        Assert.Null(await Store.GetAsync(AttachmentIds.New()));
    }

    [Fact]
    public async Task FindCollectable_UnreferencedOldOrExpired_OnlyThose()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var oldUnreferenced = NewRecord(now - 10_000);
        var newUnreferenced = NewRecord(now);
        var oldReferenced = NewRecord(now - 10_000, referenced: true);
        var expired = NewRecord(now - 10_000, referenced: true, expiresAtMs: now - 1);
        var notYetExpired = NewRecord(now - 10_000, referenced: true, expiresAtMs: now + 60_000);
        foreach (var r in new[] { oldUnreferenced, newUnreferenced, oldReferenced, expired, notYetExpired })
        {
            await Store.SaveAsync(r);
            await Store.WriteChunkAsync(r.AttachmentId, 0, new byte[] { 1, 2, 3 });
        }

        var found = await Store.FindCollectableAsync(now - 5_000, now, 1000);

        Assert.Contains(oldUnreferenced.AttachmentId, found);
        Assert.Contains(expired.AttachmentId, found);
        Assert.DoesNotContain(newUnreferenced.AttachmentId, found);
        Assert.DoesNotContain(oldReferenced.AttachmentId, found);
        Assert.DoesNotContain(notYetExpired.AttachmentId, found);
    }

    [Fact]
    public async Task DeleteAsync_RemovesRecordAndChunks_Twice()
    {
        var record = NewRecord(1000);
        await Store.SaveAsync(record);
        await Store.WriteChunkAsync(record.AttachmentId, 0, new byte[] { 9 });

        await Store.DeleteAsync(record.AttachmentId);
        await Store.DeleteAsync(record.AttachmentId);

        Assert.Null(await Store.GetAsync(record.AttachmentId));
        Assert.Null(await Store.ReadChunkAsync(record.AttachmentId, 0));
    }
}

/// <summary>Attachments as files under a folder of their own per test.</summary>
public sealed class FileAttachmentStoreTests : AttachmentStoreTests
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "xchat-blob-tests", Guid.NewGuid().ToString("N"));

    protected override IAttachmentStore CreateStore() => new FileAttachmentStore(_root);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task MalformedId_NeverReachesOutsideTheRoot()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.WriteChunkAsync("../../etc", 0, new byte[] { 1 }));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.GetAsync("../x"));
    }
}

/// <summary>Attachments in PostgreSQL (bytea chunk rows), a database of its own per test class.</summary>
public sealed class PostgresAttachmentStoreTests(PostgresDatabaseFixture database) : AttachmentStoreTests, IClassFixture<PostgresDatabaseFixture>
{
    protected override IAttachmentStore CreateStore() => new PostgresAttachmentStore(database.ConnectionString);
}
