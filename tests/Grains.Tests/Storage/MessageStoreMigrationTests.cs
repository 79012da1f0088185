using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using XChat.Grains.Storage;

namespace XChat.Grains.Tests.Storage;

/// <summary>A database created before tombstones, expiry and silent messages existed gets the columns when a store starts on it, rows intact.</summary>
public sealed class MessageStoreMigrationTests(PostgresDatabaseFixture database) : IClassFixture<PostgresDatabaseFixture>
{
    // The message table as the first release created it (no deleted_ms), with one row.
    private const string LegacyTable = """
        CREATE TABLE xchat_messages (
            conversation_id TEXT NOT NULL, seq BIGINT NOT NULL, sender_user_id TEXT NOT NULL, sender_device_id BIGINT NOT NULL,
            client_message_id TEXT NOT NULL, server_ts_ms BIGINT NOT NULL, shared_ciphertext {0} NULL, device_ciphertexts {0} NULL,
            PRIMARY KEY (conversation_id, seq), UNIQUE (conversation_id, sender_user_id, sender_device_id, client_message_id));
        INSERT INTO xchat_messages VALUES ('g_old', 1, 'alice', 1, 'c1', 1700000000000, {1}, NULL);
        CREATE TABLE xchat_cursors (device_key TEXT NOT NULL, conversation_id TEXT NOT NULL, seq BIGINT NOT NULL, PRIMARY KEY (device_key, conversation_id));
        """;

    [Fact]
    public async Task InitializeAsync_SqliteFileWithoutTheTombstoneColumn_AddsItAndKeepsRows()
    {
        var path = await CreateLegacySqliteFileAsync();
        try
        {
            await using var store = new SqliteMessageStore(Options.Create(new SqliteMessageStoreOptions { DatabasePath = path }), NullLogger<SqliteMessageStore>.Instance);
            await store.InitializeAsync();
            await store.InitializeAsync();
            await AssertMigratedAsync(store);
        }
        finally
        {
            DeleteSqliteFile(path);
        }
    }

    [Fact]
    public async Task InitializeAsync_StoresStartingTogetherOnAnOldSqliteFile_EachSucceedsAndColumnsAreAddedOnce()
    {
        // Silos of one host (or of a test cluster) start on the same file at the same moment. Another
        // writer holds the file while they start, so each gets as far as it can before it needs to write:
        // a store that looked for the columns outside its write lock would see them all missing, and every
        // ALTER after the first would fail once the lock is let go.
        var path = await CreateLegacySqliteFileAsync(wal: true);
        var stores = Enumerable.Range(0, 4)
            .Select(_ => new SqliteMessageStore(Options.Create(new SqliteMessageStoreOptions { DatabasePath = path }), NullLogger<SqliteMessageStore>.Instance))
            .ToArray();
        try
        {
            Task[] starts;
            await using (var holder = new SqliteConnection($"Data Source={path};Pooling=False"))
            {
                await holder.OpenAsync();
                await using var hold = holder.BeginTransaction(deferred: false);
                starts = stores.Select(store => Task.Run(() => store.InitializeAsync())).ToArray();
                await Task.Delay(TimeSpan.FromMilliseconds(500));
                Assert.All(starts, start => Assert.False(start.IsCompleted, "a store finished starting while another writer held the file"));
            }

            await Task.WhenAll(starts);
            await AssertMigratedAsync(stores[0]);
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }

            DeleteSqliteFile(path);
        }
    }

    [Fact]
    public async Task InitializeAsync_PostgresTableWithoutTheTombstoneColumn_AddsItAndKeepsRows()
    {
        await using (var connection = new NpgsqlConnection(database.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(string.Format(System.Globalization.CultureInfo.InvariantCulture, LegacyTable, "bytea", "'\\x0102'::bytea"), connection);
            await command.ExecuteNonQueryAsync();
        }

        await using var store = new PostgresMessageStore(Options.Create(new PostgresMessageStoreOptions { ConnectionString = database.ConnectionString }), NullLogger<PostgresMessageStore>.Instance);
        await store.InitializeAsync();
        await store.InitializeAsync();
        await AssertMigratedAsync(store);
    }

    private static async Task<string> CreateLegacySqliteFileAsync(bool wal = false)
    {
        var path = Path.Combine(Path.GetTempPath(), "xchat-store-tests", $"{Guid.NewGuid():N}.db");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = (wal ? "PRAGMA journal_mode = WAL;" : "") + string.Format(System.Globalization.CultureInfo.InvariantCulture, LegacyTable, "BLOB", "x'0102'");
        await command.ExecuteNonQueryAsync();
        return path;
    }

    private static void DeleteSqliteFile(string path)
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(path + suffix);
        }
    }

    private static async Task AssertMigratedAsync(RelationalMessageStore store)
    {
        var old = Assert.Single(await store.ReadAfterAsync("g_old", 0, 10));
        Assert.True(old.DeletedMs is null && old.SharedCiphertext is [1, 2], "the old row reads as before, not deleted");
        Assert.False(old.Silent || old.Quiet, "rows from before silent and quiet messages are chat messages");
        Assert.Equal(1, await store.CountUnreadAsync("g_old", 0, "bob"));
        Assert.Equal(1_700_000_000_000, await store.GetLastActivityAsync("g_old", 0));
        await store.AppendAsync([TestMessages.Create("g_old", 2) with { Silent = true }]);
        Assert.True((await store.ReadAfterAsync("g_old", 1, 1))[0].Silent, "the added column takes new silent rows");
        Assert.Equal(1, await store.CountUnreadAsync("g_old", 0, "bob"));
        await store.AppendAsync([TestMessages.Create("g_old", 3) with { Quiet = true }]);
        Assert.True((await store.ReadAfterAsync("g_old", 2, 1))[0].Quiet, "the added column takes new quiet rows");
        Assert.Equal(1, await store.CountUnreadAsync("g_old", 0, "bob"));
        Assert.True(await store.EraseMessageAsync("g_old", 1, 100, keepDeviceCiphertexts: false));
        Assert.Equal(100, (await store.ReadAfterAsync("g_old", 0, 1))[0].DeletedMs);
    }
}
