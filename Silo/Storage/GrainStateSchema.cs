using Microsoft.Data.Sqlite;
using Npgsql;

namespace XChat.Silo.Storage;

/// <summary>
/// Creates the grain-state table and the <c>OrleansQuery</c> rows the ADO.NET grain storage provider needs.
/// Safe to run any number of times, from several silos at once.
/// </summary>
public static class GrainStateSchema
{
    /// <summary>How long a SQLite command waits for a lock held by another connection. The default is 30 seconds.</summary>
    public static readonly TimeSpan SqliteBusyTimeout = TimeSpan.FromSeconds(30);

    // Any fixed number: serializes schema setup between silos that start together against one database.
    private const long PostgresSchemaLockKey = 0x5843_6861_7453_7431; // "XChatSt1"

    /// <summary>The ADO.NET invariant name the provider expects for <paramref name="kind"/>.</summary>
    public static string Invariant(GrainStateStorageKind kind) => kind switch
    {
        // The provider maps this invariant to Microsoft.Data.Sqlite's SqliteFactory by itself.
        GrainStateStorageKind.Sqlite => "System.Data.SQLite",
        GrainStateStorageKind.PostgreSql => "Npgsql",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown grain state storage kind."),
    };

    /// <summary>
    /// A connection string for a SQLite file: created if missing, pooled, and waiting up to
    /// <see cref="SqliteBusyTimeout"/> for locks (Microsoft.Data.Sqlite retries a busy database until the command timeout).
    /// </summary>
    public static string SqliteConnectionString(string filePath) => new SqliteConnectionStringBuilder
    {
        DataSource = Path.GetFullPath(filePath),
        Mode = SqliteOpenMode.ReadWriteCreate,
        Cache = SqliteCacheMode.Default,
        Pooling = true,
        DefaultTimeout = (int)SqliteBusyTimeout.TotalSeconds,
    }.ToString();

    /// <summary>Creates the tables if missing and writes our query texts (replacing older ones).</summary>
    public static Task EnsureCreatedAsync(GrainStateStorageKind kind, string connectionString, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return kind switch
        {
            GrainStateStorageKind.Sqlite => EnsureSqliteAsync(connectionString, cancellationToken),
            GrainStateStorageKind.PostgreSql => EnsurePostgresAsync(connectionString, cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown grain state storage kind."),
        };
    }

    private static async Task EnsureSqliteAsync(string connectionString, CancellationToken cancellationToken)
    {
        var dataSource = new SqliteConnectionStringBuilder(connectionString).DataSource;
        var directory = Path.GetDirectoryName(Path.GetFullPath(dataSource));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);

        // WAL is a property of the file and persists, so setting it once here covers every later connection,
        // including the provider's. It cannot be changed inside a transaction, hence before BEGIN.
        await using (var wal = connection.CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode=WAL;";
            var mode = (string?)await wal.ExecuteScalarAsync(cancellationToken);
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"SQLite refused WAL journal mode (got '{mode}').");
            }
        }

        // BEGIN IMMEDIATE takes the write lock up front, so two processes setting up one file serialize.
        await using var transaction = connection.BeginTransaction(deferred: false);
        await using (var ddl = connection.CreateCommand())
        {
            ddl.Transaction = transaction;
            ddl.CommandText = SqliteGrainStateSql.Schema;
            await ddl.ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var (key, text) in SqliteGrainStateSql.Queries.AsRows())
        {
            await using var upsert = connection.CreateCommand();
            upsert.Transaction = transaction;
            upsert.CommandText = SqliteGrainStateSql.UpsertQuery;
            upsert.Parameters.AddWithValue("@key", key);
            upsert.Parameters.AddWithValue("@text", text);
            await upsert.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task EnsurePostgresAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // CREATE TABLE IF NOT EXISTS is not safe against a concurrent twin (it can fail on the catalog's unique
        // index), so silos starting together take a transaction-scoped advisory lock first.
        await using (var gate = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@lockKey)", connection, transaction))
        {
            gate.Parameters.AddWithValue("lockKey", PostgresSchemaLockKey);
            await gate.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var ddl = new NpgsqlCommand(PostgresGrainStateSql.Schema, connection, transaction))
        {
            await ddl.ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var (key, text) in PostgresGrainStateSql.Queries.AsRows())
        {
            await using var upsert = new NpgsqlCommand(PostgresGrainStateSql.UpsertQuery, connection, transaction);
            upsert.Parameters.AddWithValue("key", key);
            upsert.Parameters.AddWithValue("text", text);
            await upsert.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
