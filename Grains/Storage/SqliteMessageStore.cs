using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace XChat.Grains.Storage;

/// <summary>
/// The message log in one SQLite file (standalone mode). WAL mode lets readers on their own
/// pooled connections run while the single writer connection commits group batches.
/// </summary>
public sealed partial class SqliteMessageStore : RelationalMessageStore
{
    private const int SqliteConstraint = 19;

    private readonly SqliteMessageStoreOptions _options;
    private readonly ILogger<SqliteMessageStore> _logger;
    private readonly string _connectionString;

    // Owned by the writer loop alone (one thread at a time), so no locking.
    private SqliteConnection? _writeConnection;
    private SqliteRawInsert? _insertMessage;
    private SqliteRawInsert? _upsertCursor;
    private SqliteCheckpointer? _checkpointer;
    private readonly DedicatedThread _writerThread = new("XChat SQLite writer");

    public SqliteMessageStore(IOptions<SqliteMessageStoreOptions> options, ILogger<SqliteMessageStore> logger)
        : base(options.Value, logger)
    {
        _options = options.Value;
        _logger = logger;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path.GetFullPath(_options.DatabasePath),
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            // Microsoft.Data.Sqlite retries SQLITE_BUSY until the command timeout: keep it at least the busy timeout.
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(_options.BusyTimeout.TotalSeconds)),
        }.ToString();
    }

    public override async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(_options.DatabasePath));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        // journal_mode=WAL is stored in the file, so every later connection uses it too. It cannot change inside a transaction.
        await ExecuteAsync(connection, null, "PRAGMA journal_mode = WAL", cancellationToken).ConfigureAwait(false);
        // The rest is one write transaction, taken at its start (IMMEDIATE): stores starting on the same
        // file at once (silos of one host, a test cluster) each look for a column and add it, and without
        // the lock two of them would see it missing and the second ALTER would fail.
        await using var transaction = connection.BeginTransaction(deferred: false);
        await ExecuteAsync(connection, transaction, SqliteSchema.Create, cancellationToken).ConfigureAwait(false);
        // Columns that came after the first release, for databases created before them. Existing rows
        // are chat messages: not expiring, not deleted, neither silent nor quiet. A nullable column, or a
        // NOT NULL one with a constant default, is a schema change only (no row is rewritten).
        await AddColumnIfMissingAsync(transaction, "expires_at", "INTEGER NULL", cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, Expiry.ExpirySql.CreateIndex, cancellationToken).ConfigureAwait(false);
        await AddColumnIfMissingAsync(transaction, "deleted_ms", "INTEGER NULL", cancellationToken).ConfigureAwait(false);
        await AddColumnIfMissingAsync(transaction, "silent", "INTEGER NOT NULL DEFAULT 0", cancellationToken).ConfigureAwait(false);
        await AddColumnIfMissingAsync(transaction, "quiet", "INTEGER NOT NULL DEFAULT 0", cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        LogInitialized(_logger, Path.GetFileName(_options.DatabasePath));
        _checkpointer ??= new SqliteCheckpointer(_connectionString);
    }

    public override async Task<IReadOnlyDictionary<ClientMessageKey, StoredMessageRef>> FindByClientIdsAsync(
        string conversationId, IReadOnlyCollection<ClientMessageKey> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var found = new Dictionary<ClientMessageKey, StoredMessageRef>();
        if (keys.Count == 0)
        {
            return found;
        }

        // In-process SQLite has no round trips to save: one prepared point lookup per key on the unique index.
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = SqliteSchema.FindByClientId;
        var conversation = command.Parameters.Add("@conversation", SqliteType.Text);
        var user = command.Parameters.Add("@user", SqliteType.Text);
        var device = command.Parameters.Add("@device", SqliteType.Integer);
        var clientId = command.Parameters.Add("@client", SqliteType.Text);
        conversation.Value = conversationId;
        command.Prepare();
        foreach (var key in keys.Distinct())
        {
            if (!DeviceKeys.TryParse(key.SenderDeviceKey, out var userId, out var deviceId))
            {
                continue;
            }

            user.Value = userId;
            device.Value = (long)deviceId;
            clientId.Value = key.ClientMessageId;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                found[key] = new StoredMessageRef(reader.GetInt64(0), reader.GetInt64(1));
            }
        }

        return found;
    }

    private protected override async ValueTask<DbConnection> OpenReadConnectionAsync(CancellationToken cancellationToken) =>
        await OpenAsync(cancellationToken).ConfigureAwait(false);

    // SQLite's calls block: every transaction runs on the writer's own thread, not on a pool worker.
    private protected override Task CommitBatchAsync(IReadOnlyList<WriteRequest> batch, CancellationToken cancellationToken) =>
        _writerThread.RunAsync(() => CommitBatch(batch));

    private void CommitBatch(IReadOnlyList<WriteRequest> batch)
    {
        var connection = EnsureWriteConnection();
        try
        {
            // BEGIN IMMEDIATE (the Microsoft.Data.Sqlite default): take the write lock up front so a
            // lock held by another process is waited for under the busy timeout, not failed mid-batch.
            using var transaction = connection.BeginTransaction(deferred: false);
            var insert = _insertMessage!;
            var upsert = _upsertCursor!;
            foreach (var request in batch)
            {
                foreach (var message in request.Messages)
                {
                    // Parameter numbers are SqliteSchema.InsertMessage's, from 1.
                    insert.Text(1, message.ConversationId);
                    insert.Integer(2, message.Seq);
                    insert.Text(3, message.Sender.UserId);
                    insert.Integer(4, message.Sender.DeviceId);
                    insert.Text(5, message.ClientMessageId);
                    insert.Integer(6, message.ServerTimestampMs);
                    insert.BlobOrNull(7, message.SharedCiphertext);
                    insert.BlobOrNull(8, DeviceCiphertextCodec.Encode(message.DeviceCiphertexts));
                    insert.IntegerOrNull(9, message.ExpiresAtMs);
                    insert.Integer(10, message.Silent ? 1 : 0);
                    insert.Integer(11, message.Quiet ? 1 : 0);
                    insert.Execute();
                }

                foreach (var cursor in request.Cursors)
                {
                    upsert.Text(1, cursor.DeviceKey);
                    upsert.Text(2, cursor.ConversationId);
                    upsert.Integer(3, cursor.Seq);
                    upsert.Execute();
                }
            }

            transaction.Commit();
        }
        catch (SqliteException exception) when (exception.SqliteErrorCode == SqliteConstraint)
        {
            // A constraint violation leaves the connection healthy; the using above rolled back.
            throw;
        }
        catch
        {
            // Anything else (I/O error, file replaced): start over with a fresh connection next batch.
            CloseWriteConnection();
            throw;
        }
    }

    private protected override async ValueTask DisposeConnectionsAsync()
    {
        _writerThread.Dispose();
        if (_checkpointer is not null)
        {
            await _checkpointer.DisposeAsync().ConfigureAwait(false);
        }

        CloseWriteConnection();
    }

    private SqliteConnection EnsureWriteConnection()
    {
        if (_writeConnection is not null)
        {
            return _writeConnection;
        }

        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using (var pragma = connection.CreateCommand())
        {
            var synchronous = _options.Synchronous == SqliteSynchronousMode.Full ? "FULL" : "NORMAL";
            // wal_autocheckpoint = 0: SqliteCheckpointer does it off the writer. cache_size: keep the
            // hot index pages of the log in memory (negative = KiB) instead of re-reading them.
            pragma.CommandText = $"PRAGMA busy_timeout = {BusyTimeoutMs}; PRAGMA journal_mode = WAL; PRAGMA synchronous = {synchronous}; " +
                $"PRAGMA wal_autocheckpoint = 0; PRAGMA cache_size = -{_options.PageCacheKiB};";
            pragma.ExecuteNonQuery();
        }

        _insertMessage = new SqliteRawInsert(connection, SqliteSchema.InsertMessage,
            "@conversation", "@seq", "@user", "@device", "@client", "@ts", "@shared", "@devices", "@expires", "@silent", "@quiet");
        _upsertCursor = new SqliteRawInsert(connection, SqliteSchema.UpsertCursor, "@device", "@conversation", "@seq");
        _writeConnection = connection;
        return connection;
    }

    private void CloseWriteConnection()
    {
        _insertMessage?.Dispose();
        _upsertCursor?.Dispose();
        _writeConnection?.Dispose();
        (_insertMessage, _upsertCursor, _writeConnection) = (null, null, null);
    }

    private int BusyTimeoutMs => (int)_options.BusyTimeout.TotalMilliseconds;

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = $"PRAGMA busy_timeout = {BusyTimeoutMs};";
            await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
