using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace XChat.Grains.Storage;

// Schema additions of the content features (delete for everyone), and erasing with secure_delete.
public sealed partial class SqliteMessageStore
{
    /// <summary>
    /// Adds the tombstone column to a database created before it existed. SQLite has no
    /// ADD COLUMN IF NOT EXISTS, so the table's columns are read first; adding a nullable column
    /// without a default rewrites nothing, and the append statement does not name it.
    /// </summary>
    private static async Task AddContentColumnsAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var columns = connection.CreateCommand();
        columns.CommandText = "SELECT COUNT(*) FROM pragma_table_info('xchat_messages') WHERE name = 'deleted_ms'";
        var present = Convert.ToInt64(await columns.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        if (present == 0)
        {
            await using var add = connection.CreateCommand();
            add.CommandText = "ALTER TABLE xchat_messages ADD COLUMN deleted_ms INTEGER NULL";
            await add.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Adds a message flag (silent, quiet) to a database created before it existed. Existing rows are
    /// chat messages, so the default is 0; a NOT NULL column with a constant default is a schema change
    /// only (SQLite fills the default in when it reads an old row).
    /// </summary>
    private static async Task AddFlagColumnAsync(SqliteConnection connection, string name, CancellationToken cancellationToken)
    {
        await using var columns = connection.CreateCommand();
        columns.CommandText = "SELECT COUNT(*) FROM pragma_table_info('xchat_messages') WHERE name = $name";
        columns.Parameters.AddWithValue("$name", name);
        var present = Convert.ToInt64(await columns.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        if (present == 0)
        {
            await using var add = connection.CreateCommand();
            add.CommandText = $"ALTER TABLE xchat_messages ADD COLUMN {name} INTEGER NOT NULL DEFAULT 0";
            await add.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
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
