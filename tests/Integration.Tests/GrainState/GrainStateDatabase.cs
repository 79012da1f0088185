using Microsoft.Data.Sqlite;
using Npgsql;
using XChat.Silo.Storage;

namespace XChat.Integration.Tests.GrainState;

/// <summary>One database for a test class: its kind, connection string and a service id no other run uses.</summary>
public abstract class GrainStateDatabase : IAsyncLifetime
{
    /// <summary>Unique per fixture, so rows of earlier runs (PostgreSQL keeps them) never meet this run's grains.</summary>
    public string ServiceId { get; } = "gs-test-" + Guid.NewGuid().ToString("N");

    public abstract GrainStateStorageKind Kind { get; }

    public abstract string ConnectionString { get; }

    /// <summary>Runs a scalar query on the database, for checks the provider API cannot make.</summary>
    public abstract Task<object?> ScalarAsync(string sql);

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public abstract Task DisposeAsync();
}

/// <summary>A SQLite file in a fresh temporary folder, removed afterwards.</summary>
public sealed class SqliteGrainStateDatabase : GrainStateDatabase
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "xchat-grainstate-" + Guid.NewGuid().ToString("N"));

    public SqliteGrainStateDatabase() =>
        ConnectionString = GrainStateSchema.SqliteConnectionString(Path.Combine(directory, "data", "grain-state.db"));

    public override GrainStateStorageKind Kind => GrainStateStorageKind.Sqlite;

    public override string ConnectionString { get; }

    public override async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    public override Task DisposeAsync()
    {
        // Pooled connections keep the file (and its -wal/-shm companions) open.
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        return Task.CompletedTask;
    }
}

/// <summary>The PostgreSQL named by XCHAT_TEST_POSTGRES; this run's rows are deleted afterwards.</summary>
public sealed class PostgresGrainStateDatabase : GrainStateDatabase
{
    public const string EnvironmentVariable = "XCHAT_TEST_POSTGRES";

    public PostgresGrainStateDatabase()
    {
        // Fail, never skip: a green run must mean the PostgreSQL path was exercised.
        ConnectionString = Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{EnvironmentVariable} is not set. Start PostgreSQL with scripts/services.sh start and set it, " +
                "e.g. Host=127.0.0.1;Port=55432;Username=postgres;Database=postgres");
    }

    public override GrainStateStorageKind Kind => GrainStateStorageKind.PostgreSql;

    public override string ConnectionString { get; }

    public override async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    public override async Task DisposeAsync()
    {
        // The table is missing only if setup never ran; then there is nothing to remove.
        if (await ScalarAsync("SELECT to_regclass('xchat_grain_state')::text") is not string)
        {
            return;
        }

        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("DELETE FROM xchat_grain_state WHERE service_id = @serviceId", connection);
        command.Parameters.AddWithValue("serviceId", ServiceId);
        await command.ExecuteNonQueryAsync();
    }
}
