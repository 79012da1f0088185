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
}
