using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using XChat.Grains.Storage;
using Xunit.Abstractions;

namespace XChat.Grains.Tests.Storage;

/// <summary>The store contract on a SQLite file of its own per test.</summary>
public sealed class SqliteMessageStoreTests(ITestOutputHelper output) : MessageStoreTests
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "xchat-store-tests", $"{Guid.NewGuid():N}.db");

    protected override ITestOutputHelper Output => output;

    protected override RelationalMessageStore CreateStoreInstance() => new SqliteMessageStore(
        Options.Create(new SqliteMessageStoreOptions { DatabasePath = _path }),
        NullLogger<SqliteMessageStore>.Instance);

    protected override async Task<IAsyncDisposable> HoldWriteLockAsync()
    {
        var connection = new SqliteConnection($"Data Source={_path};Pooling=False");
        await connection.OpenAsync();
        var transaction = connection.BeginTransaction(deferred: false);
        return new WriteLock(connection, transaction);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_path + suffix);
        }
    }

    [Fact]
    public async Task InitializeAsync_NewFile_UsesWriteAheadLog()
    {
        await using var connection = new SqliteConnection($"Data Source={_path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";

        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
    }

    private sealed class WriteLock(SqliteConnection connection, SqliteTransaction transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await transaction.RollbackAsync();
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }
}
