using System.Data.Common;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace XChat.Grains.Storage;

/// <summary>
/// The message log in PostgreSQL (cluster mode). The writer loop sends each group batch as one
/// prepared statement per table with array parameters, inside one transaction.
/// </summary>
public sealed partial class PostgresMessageStore : RelationalMessageStore
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger<PostgresMessageStore> _logger;

    public PostgresMessageStore(IOptions<PostgresMessageStoreOptions> options, ILogger<PostgresMessageStore> logger)
        : base(options.Value, logger)
    {
        _logger = logger;
        _dataSource = NpgsqlDataSource.Create(options.Value.ConnectionString);
    }

    public override async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({PostgresSchema.SchemaLockKey}); {PostgresSchema.Create}", connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        LogInitialized(_logger, connection.Database);
    }

    public override async Task<IReadOnlyDictionary<ClientMessageKey, StoredMessageRef>> FindByClientIdsAsync(
        string conversationId, IReadOnlyCollection<ClientMessageKey> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var found = new Dictionary<ClientMessageKey, StoredMessageRef>();
        // Rows come back as (user, device, client id): map them to the caller's own key spelling.
        var byParts = new Dictionary<(string UserId, long DeviceId, string ClientId), ClientMessageKey>();
        foreach (var key in keys)
        {
            if (DeviceKeys.TryParse(key.SenderDeviceKey, out var userId, out var deviceId))
            {
                byParts[(userId, deviceId, key.ClientMessageId)] = key;
            }
        }

        if (byParts.Count == 0)
        {
            return found;
        }

        await using var command = _dataSource.CreateCommand(PostgresSchema.FindByClientIds);
        command.Parameters.Add(new NpgsqlParameter<string>("conversation", conversationId));
        command.Parameters.Add(new NpgsqlParameter<string[]>("user", byParts.Keys.Select(k => k.UserId).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<long[]>("device", byParts.Keys.Select(k => k.DeviceId).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<string[]>("client", byParts.Keys.Select(k => k.ClientId).ToArray()));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var parts = (reader.GetString(0), reader.GetInt64(1), reader.GetString(2));
            found[byParts[parts]] = new StoredMessageRef(reader.GetInt64(3), reader.GetInt64(4));
        }

        return found;
    }

    private protected override async ValueTask<DbConnection> OpenReadConnectionAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    private protected override async Task CommitBatchAsync(IReadOnlyList<WriteRequest> batch, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var statements = new NpgsqlBatch(connection, transaction);
        var messages = batch.SelectMany(r => r.Messages).ToList();
        if (messages.Count > 0)
        {
            statements.BatchCommands.Add(InsertMessagesCommand(messages));
        }

        var cursors = MergeCursors(batch);
        if (cursors.Count > 0)
        {
            statements.BatchCommands.Add(UpsertCursorsCommand(cursors));
        }

        // Prepared once per physical connection; later batches on it skip parsing and planning.
        await statements.PrepareAsync(cancellationToken).ConfigureAwait(false);
        await statements.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private protected override async ValueTask DisposeConnectionsAsync() =>
        await _dataSource.DisposeAsync().ConfigureAwait(false);

    private static NpgsqlBatchCommand InsertMessagesCommand(List<StoredMessage> messages)
    {
        var command = new NpgsqlBatchCommand(PostgresSchema.InsertMessages);
        var p = command.Parameters;
        p.Add(new NpgsqlParameter<string[]>("conversation", messages.Select(m => m.ConversationId).ToArray()));
        p.Add(new NpgsqlParameter<long[]>("seq", messages.Select(m => m.Seq).ToArray()));
        p.Add(new NpgsqlParameter<string[]>("user", messages.Select(m => m.Sender.UserId).ToArray()));
        p.Add(new NpgsqlParameter<long[]>("device", messages.Select(m => (long)m.Sender.DeviceId).ToArray()));
        p.Add(new NpgsqlParameter<string[]>("client", messages.Select(m => m.ClientMessageId).ToArray()));
        p.Add(new NpgsqlParameter<long[]>("ts", messages.Select(m => m.ServerTimestampMs).ToArray()));
        // Null elements become SQL NULLs inside the bytea[] array.
        p.Add(new NpgsqlParameter("shared", NpgsqlDbType.Array | NpgsqlDbType.Bytea)
        {
            Value = messages.Select(m => m.SharedCiphertext).ToArray(),
        });
        p.Add(new NpgsqlParameter("devices", NpgsqlDbType.Array | NpgsqlDbType.Bytea)
        {
            Value = messages.Select(m => DeviceCiphertextCodec.Encode(m.DeviceCiphertexts)).ToArray(),
        });
        p.Add(new NpgsqlParameter("expires", NpgsqlDbType.Array | NpgsqlDbType.Bigint)
        {
            Value = messages.Select(m => m.ExpiresAtMs).ToArray(),
        });
        p.Add(new NpgsqlParameter<bool[]>("silent", messages.Select(m => m.Silent).ToArray()));
        p.Add(new NpgsqlParameter<bool[]>("quiet", messages.Select(m => m.Quiet).ToArray()));
        return command;
    }

    private static NpgsqlBatchCommand UpsertCursorsCommand(List<CursorUpdate> cursors)
    {
        var command = new NpgsqlBatchCommand(PostgresSchema.UpsertCursors);
        command.Parameters.Add(new NpgsqlParameter<string[]>("device", cursors.Select(c => c.DeviceKey).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<string[]>("conversation", cursors.Select(c => c.ConversationId).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<long[]>("seq", cursors.Select(c => c.Seq).ToArray()));
        return command;
    }

    /// <summary>
    /// One row per (device, conversation) with the highest seq, sorted so that silos updating
    /// overlapping cursors lock rows in the same order and do not deadlock each other.
    /// </summary>
    private static List<CursorUpdate> MergeCursors(IReadOnlyList<WriteRequest> batch)
    {
        var merged = new Dictionary<(string, string), long>();
        foreach (var cursor in batch.SelectMany(r => r.Cursors))
        {
            var key = (cursor.DeviceKey, cursor.ConversationId);
            merged[key] = merged.TryGetValue(key, out var seq) ? Math.Max(seq, cursor.Seq) : cursor.Seq;
        }

        return merged
            .Select(e => new CursorUpdate(e.Key.Item1, e.Key.Item2, e.Value))
            .OrderBy(c => c.DeviceKey, StringComparer.Ordinal)
            .ThenBy(c => c.ConversationId, StringComparer.Ordinal)
            .ToList();
    }
}
