using Npgsql;

namespace XChat.Grains.Attachments;

/// <summary>
/// Attachments in PostgreSQL (cluster mode): a small record row per attachment and one bytea row per
/// chunk, so no row grows with the file and a download reads one chunk at a time.
/// </summary>
public sealed class PostgresAttachmentStore(string connectionString) : IAttachmentStore, IAsyncDisposable
{
    /// <summary>Serializes schema creation across silos starting at once.</summary>
    private const long SchemaLockKey = 0x5843_6861_7441_7430; // "XChatAt0"

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS xchat_attachments (
            attachment_id      text    NOT NULL PRIMARY KEY,
            conversation_id    text    NOT NULL,
            uploader_user_id   text    NOT NULL,
            uploader_device_id bigint  NOT NULL,
            size               bigint  NOT NULL,
            received           bigint  NOT NULL,
            chunks             integer NOT NULL,
            finished           boolean NOT NULL,
            referenced         boolean NOT NULL,
            created_at_ms      bigint  NOT NULL,
            expires_at         bigint  NULL
        );
        CREATE TABLE IF NOT EXISTS xchat_attachment_chunks (
            attachment_id text    NOT NULL,
            idx           integer NOT NULL,
            data          bytea   NOT NULL,
            CONSTRAINT xchat_attachment_chunks_pk PRIMARY KEY (attachment_id, idx)
        );
        CREATE INDEX IF NOT EXISTS xchat_attachments_unreferenced_ix ON xchat_attachments (created_at_ms) WHERE NOT referenced;
        CREATE INDEX IF NOT EXISTS xchat_attachments_expiry_ix ON xchat_attachments (expires_at) WHERE expires_at IS NOT NULL;
        """;

    private const string Columns =
        "attachment_id, conversation_id, uploader_user_id, uploader_device_id, size, received, chunks, finished, referenced, created_at_ms, expires_at";

    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(connectionString);

    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({SchemaLockKey}); {Schema}", connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<AttachmentRecord?> GetAsync(string attachmentId, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand($"SELECT {Columns} FROM xchat_attachments WHERE attachment_id = @id");
        command.Parameters.Add(new NpgsqlParameter<string>("id", attachmentId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new AttachmentRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2), checked((uint)reader.GetInt64(3)),
            reader.GetInt64(4), reader.GetInt64(5), reader.GetInt32(6), reader.GetBoolean(7), reader.GetBoolean(8), reader.GetInt64(9),
            reader.IsDBNull(10) ? null : reader.GetInt64(10));
    }

    public async Task SaveAsync(AttachmentRecord record, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand($"""
            INSERT INTO xchat_attachments ({Columns})
            VALUES (@id, @conversation, @user, @device, @size, @received, @chunks, @finished, @referenced, @created, @expires)
            ON CONFLICT (attachment_id) DO UPDATE SET received = excluded.received, chunks = excluded.chunks,
                finished = excluded.finished, referenced = excluded.referenced, expires_at = excluded.expires_at
            """);
        var p = command.Parameters;
        p.Add(new NpgsqlParameter<string>("id", record.AttachmentId));
        p.Add(new NpgsqlParameter<string>("conversation", record.ConversationId));
        p.Add(new NpgsqlParameter<string>("user", record.UploaderUserId));
        p.Add(new NpgsqlParameter<long>("device", record.UploaderDeviceId));
        p.Add(new NpgsqlParameter<long>("size", record.Size));
        p.Add(new NpgsqlParameter<long>("received", record.Received));
        p.Add(new NpgsqlParameter<int>("chunks", record.Chunks));
        p.Add(new NpgsqlParameter<bool>("finished", record.Finished));
        p.Add(new NpgsqlParameter<bool>("referenced", record.Referenced));
        p.Add(new NpgsqlParameter<long>("created", record.CreatedAtMs));
        p.Add(new NpgsqlParameter("expires", NpgsqlTypes.NpgsqlDbType.Bigint) { Value = (object?)record.ExpiresAtMs ?? DBNull.Value });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task WriteChunkAsync(string attachmentId, int index, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand("""
            INSERT INTO xchat_attachment_chunks (attachment_id, idx, data) VALUES (@id, @idx, @data)
            ON CONFLICT (attachment_id, idx) DO UPDATE SET data = excluded.data
            """);
        command.Parameters.Add(new NpgsqlParameter<string>("id", attachmentId));
        command.Parameters.Add(new NpgsqlParameter<int>("idx", index));
        command.Parameters.Add(new NpgsqlParameter<byte[]>("data", data.ToArray()));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<byte[]?> ReadChunkAsync(string attachmentId, int index, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand("SELECT data FROM xchat_attachment_chunks WHERE attachment_id = @id AND idx = @idx");
        command.Parameters.Add(new NpgsqlParameter<string>("id", attachmentId));
        command.Parameters.Add(new NpgsqlParameter<int>("idx", index));
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as byte[];
    }

    public async Task DeleteAsync(string attachmentId, CancellationToken cancellationToken = default)
    {
        // Chunks first, in one transaction with the record: a crash never leaves chunks without a record.
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = new NpgsqlCommand(
            "DELETE FROM xchat_attachment_chunks WHERE attachment_id = @id; DELETE FROM xchat_attachments WHERE attachment_id = @id", connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter<string>("id", attachmentId));
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<string>> FindCollectableAsync(long unreferencedCreatedBeforeMs, long nowMs, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand("""
            (SELECT attachment_id FROM xchat_attachments WHERE NOT referenced AND created_at_ms < @before LIMIT @limit)
            UNION
            (SELECT attachment_id FROM xchat_attachments WHERE expires_at <= @now LIMIT @limit)
            """);
        command.Parameters.Add(new NpgsqlParameter<long>("before", unreferencedCreatedBeforeMs));
        command.Parameters.Add(new NpgsqlParameter<long>("now", nowMs));
        command.Parameters.Add(new NpgsqlParameter<int>("limit", limit));
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
