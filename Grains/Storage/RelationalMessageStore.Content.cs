using System.Data.Common;

namespace XChat.Grains.Storage;

// Deleting for everyone and counting unread messages: rare or per-list operations, so they run on a
// connection of their own rather than through the group-commit writer. The SQL is the same on both
// backends and each statement is served by the primary key (conversation_id, seq).
public abstract partial class RelationalMessageStore
{
    // "AND deleted_ms IS NULL": erasing twice changes nothing and reports false.
    private const string EraseAll = """
        UPDATE xchat_messages SET shared_ciphertext = NULL, device_ciphertexts = NULL, deleted_ms = @deleted
        WHERE conversation_id = @conversation AND seq = @seq AND deleted_ms IS NULL
        """;

    private const string EraseShared = """
        UPDATE xchat_messages SET shared_ciphertext = NULL, deleted_ms = @deleted
        WHERE conversation_id = @conversation AND seq = @seq AND deleted_ms IS NULL
        """;

    private const string CountUnread = """
        SELECT COUNT(*) FROM xchat_messages
        WHERE conversation_id = @conversation AND seq > @seq AND sender_user_id <> @reader AND deleted_ms IS NULL AND NOT silent AND NOT quiet
        """;

    public async Task<bool> EraseMessageAsync(string conversationId, long seq, long deletedMs, bool keepDeviceCiphertexts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        await using var connection = await OpenReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = keepDeviceCiphertexts ? EraseShared : EraseAll;
        AddParameter(command, "conversation", conversationId);
        AddParameter(command, "seq", seq);
        AddParameter(command, "deleted", deletedMs);
        return await ExecuteEraseAsync(command, cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<long> CountUnreadAsync(string conversationId, long afterSeq, string readerUserId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        ArgumentNullException.ThrowIfNull(readerUserId);
        await using var connection = await OpenReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = CountUnread;
        AddParameter(command, "conversation", conversationId);
        AddParameter(command, "seq", afterSeq);
        AddParameter(command, "reader", readerUserId);
        var result = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return result is null or DBNull ? 0 : Convert.ToInt64(result, System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<long?> GetLastActivityAsync(string conversationId, long afterSeq, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        await using var connection = await OpenReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = MessageStoreSql.LastActivity;
        AddParameter(command, "conversation", conversationId);
        AddParameter(command, "seq", afterSeq);
        var result = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return result is null or DBNull ? null : Convert.ToInt64(result, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Runs an erase statement; a backend may wrap it (SQLite checkpoints the WAL afterwards so the old bytes leave the log).</summary>
    private protected virtual async Task<int> ExecuteEraseAsync(DbCommand command, CancellationToken cancellationToken) =>
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
}
