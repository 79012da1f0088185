using Microsoft.Data.Sqlite;
using XChat.Grains.Storage.Expiry;

namespace XChat.Grains.Storage;

public sealed partial class SqliteMessageStore : IMessageExpiry
{
    public async Task<int> EraseExpiredAsync(long nowMs, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        // secure_delete: the freed bytes of the old cells are overwritten with zeros rather than left
        // in free pages of the file (the WAL copy goes at the next checkpoint).
        command.CommandText = "PRAGMA secure_delete = ON; " + ExpirySql.EraseExpired;
        command.Parameters.AddWithValue("@now", nowMs);
        command.Parameters.AddWithValue("@limit", limit);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Adds the nullable expires_at column to a database created before disappearing messages, and its
    /// partial index. SQLite has no ADD COLUMN IF NOT EXISTS, so the columns are looked at first.
    /// </summary>
    private static async Task AddExpiryColumnAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var probe = connection.CreateCommand();
        probe.CommandText = "SELECT COUNT(*) FROM pragma_table_info('xchat_messages') WHERE name = 'expires_at'";
        var present = Convert.ToInt64(await probe.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) > 0;
        await using var alter = connection.CreateCommand();
        alter.CommandText = (present ? string.Empty : "ALTER TABLE xchat_messages ADD COLUMN expires_at INTEGER NULL; ") + ExpirySql.CreateIndex;
        await alter.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
