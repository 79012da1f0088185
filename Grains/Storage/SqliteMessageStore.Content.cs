using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace XChat.Grains.Storage;

// Adding the columns that came after the first release, and erasing with secure_delete.
public sealed partial class SqliteMessageStore
{
    /// <summary>
    /// Adds a column to xchat_messages unless it is there. SQLite has no ADD COLUMN IF NOT EXISTS, so
    /// the table's columns are read first, inside the caller's write transaction so that no other
    /// connection adds the column in between. <paramref name="name"/> and <paramref name="definition"/>
    /// are constants of this class, never input.
    /// </summary>
    private static async Task AddColumnIfMissingAsync(SqliteTransaction transaction, string name, string definition, CancellationToken cancellationToken)
    {
        var connection = transaction.Connection!;
        await using var columns = connection.CreateCommand();
        columns.Transaction = transaction;
        columns.CommandText = "SELECT COUNT(*) FROM pragma_table_info('xchat_messages') WHERE name = $name";
        columns.Parameters.AddWithValue("$name", name);
        var present = Convert.ToInt64(await columns.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        if (present == 0)
        {
            await ExecuteAsync(connection, transaction, $"ALTER TABLE xchat_messages ADD COLUMN {name} {definition}", cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    // secure_delete zeroes the bytes a shrinking row frees in its page, so once the WAL is
    // checkpointed the erased ciphertext is gone from the database file, not only from the row.
    private protected override async Task<int> ExecuteEraseAsync(DbCommand command, CancellationToken cancellationToken)
    {
        await using (var pragma = command.Connection!.CreateCommand())
        {
            pragma.CommandText = "PRAGMA secure_delete = ON";
            await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
