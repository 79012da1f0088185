using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using XChat.Grains.Storage;
using Xunit.Abstractions;

namespace XChat.Grains.Tests.Storage;

/// <summary>The store contract on a real PostgreSQL server (a database of its own per test class).</summary>
public sealed class PostgresMessageStoreTests(PostgresDatabaseFixture database, ITestOutputHelper output)
    : MessageStoreTests, IClassFixture<PostgresDatabaseFixture>
{
    protected override ITestOutputHelper Output => output;

    protected override RelationalMessageStore CreateStoreInstance() => new PostgresMessageStore(
        Options.Create(new PostgresMessageStoreOptions { ConnectionString = database.ConnectionString }),
        NullLogger<PostgresMessageStore>.Instance);

    protected override async Task<IAsyncDisposable> HoldWriteLockAsync()
    {
        var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        // SHARE mode conflicts with the ROW EXCLUSIVE lock every INSERT takes.
        await using (var command = new NpgsqlCommand("LOCK TABLE xchat_messages IN SHARE MODE", connection, transaction))
        {
            await command.ExecuteNonQueryAsync();
        }

        return new WriteLock(connection, transaction);
    }

    private sealed class WriteLock(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await transaction.RollbackAsync();
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }
}
