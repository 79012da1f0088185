using Microsoft.Data.Sqlite;

namespace XChat.Client.Storage;

/// <summary>
/// The one SQLite connection of a profile, used by one caller at a time, and the cipher for its
/// secret cells. Every write runs in a transaction.
/// </summary>
internal sealed class ProfileDatabase : IDisposable
{
    public const string FileName = "profile.db";

    // The connection is not thread-safe; Lock is re-entrant, so a transaction body may run commands.
    private readonly Lock _lock = new();
    private readonly SqliteConnection _connection;
    private SqliteTransaction? _transaction;
    private ProfileCipher? _cipher;

    private ProfileDatabase(SqliteConnection connection) => _connection = connection;

    public ProfileCipher Cipher => _cipher ?? throw new InvalidOperationException("The profile is locked.");

    /// <summary>Opens (or creates) the database file; pooling is off so that disposing closes the file.</summary>
    public static ProfileDatabase Open(string path, bool create)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = create ? SqliteOpenMode.ReadWriteCreate : SqliteOpenMode.ReadWrite,
            Pooling = false,
        }.ToString());
        connection.Open();
        var database = new ProfileDatabase(connection);
        database.Execute(ProfileSchema.Pragmas);
        return database;
    }

    public void Unlock(byte[] profileKey) => _cipher = new ProfileCipher(profileKey);

    public int Execute(string sql, params (string Name, object? Value)[] parameters)
    {
        lock (_lock)
        {
            using var command = Command(sql, parameters);
            return command.ExecuteNonQuery();
        }
    }

    public List<T> Query<T>(string sql, Func<SqliteDataReader, T> map, params (string Name, object? Value)[] parameters)
    {
        lock (_lock)
        {
            using var command = Command(sql, parameters);
            using var reader = command.ExecuteReader();
            var rows = new List<T>();
            while (reader.Read())
            {
                rows.Add(map(reader));
            }

            return rows;
        }
    }

    public T? QuerySingle<T>(string sql, Func<SqliteDataReader, T> map, params (string Name, object? Value)[] parameters)
        where T : class => Query(sql, map, parameters).SingleOrDefault();

    /// <summary>Runs <paramref name="body"/> in one transaction: all of its writes are committed, or none.</summary>
    public T InTransaction<T>(Func<T> body)
    {
        lock (_lock)
        {
            if (_transaction is not null)
            {
                return body();
            }

            using var transaction = _connection.BeginTransaction();
            _transaction = transaction;
            try
            {
                var result = body();
                transaction.Commit();
                return result;
            }
            finally
            {
                _transaction = null;
            }
        }
    }

    public void InTransaction(Action body) => InTransaction(() =>
    {
        body();
        return 0;
    });

    /// <summary>Reads and decrypts the secret <paramref name="column"/> of the row whose <paramref name="keyColumn"/> is <paramref name="key"/>; null when there is no such row.</summary>
    public byte[]? LoadSecret(string table, string keyColumn, object key, string column)
    {
        var cell = Query($"SELECT {column} FROM {table} WHERE {keyColumn} = $key", r => ReadCell(r, 0, table), ("$key", key)).SingleOrDefault();
        return cell is null ? null : Cipher.Open(table, column, RowName(key), cell);
    }

    /// <summary>Encrypts <paramref name="plaintext"/> for that table, column and row, and inserts or replaces it.</summary>
    public void StoreSecret(string table, string keyColumn, object key, string column, ReadOnlySpan<byte> plaintext)
    {
        var cell = Cipher.Seal(table, column, RowName(key), plaintext);
        Execute(
            $"INSERT INTO {table} ({keyColumn}, {column}) VALUES ($key, $cell) ON CONFLICT ({keyColumn}) DO UPDATE SET {column} = excluded.{column}",
            ("$key", key), ("$cell", cell));
    }

    public void Delete(string table, string keyColumn, object key) => Execute($"DELETE FROM {table} WHERE {keyColumn} = $key", ("$key", key));

    /// <summary>The encrypted cell at <paramref name="ordinal"/>; a value of another type was written by someone else, so the profile is corrupt.</summary>
    public static byte[] ReadCell(SqliteDataReader reader, int ordinal, string table) =>
        reader.GetValue(ordinal) as byte[] ?? throw new ProfileCorruptException($"A value in {table} is not an encrypted cell.");

    /// <summary>The row's name in a cell's associated data: its primary key as invariant text.</summary>
    public static string RowName(object key) => Convert.ToString(key, System.Globalization.CultureInfo.InvariantCulture) ?? "";

    public void Dispose()
    {
        lock (_lock)
        {
            _cipher?.Dispose();
            _connection.Dispose();
        }
    }

    private SqliteCommand Command(string sql, (string Name, object? Value)[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = _transaction;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }
}
