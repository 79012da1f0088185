using Microsoft.Data.Sqlite;

namespace XChat.Integration.Tests.E2E;

/// <summary>Reads a standalone server's SQLite file directly, as an operator (or an attacker with the disk) would.</summary>
internal static class ServerStorage
{
    /// <summary>The message row's ciphertext state: null when there is no row.</summary>
    public static (bool HasCiphertext, long? ExpiresAt)? MessageRow(string databasePath, string conversation, long seq) =>
        Query(databasePath,
            "SELECT shared_ciphertext IS NOT NULL OR device_ciphertexts IS NOT NULL, expires_at FROM xchat_messages WHERE conversation_id = $c AND seq = $s",
            r => ((bool, long?)?)(r.GetBoolean(0), r.IsDBNull(1) ? null : r.GetInt64(1)), ("$c", conversation), ("$s", seq)).SingleOrDefault();

    /// <summary>Who sent the row, whether it is silent, has a shared ciphertext, and its per-device ciphertexts as stored; null when there is no row.</summary>
    public static (string Sender, bool Silent, bool HasShared, byte[] DeviceCiphertexts)? SilentRow(string databasePath, string conversation, long seq) =>
        Query(databasePath,
            "SELECT sender_user_id, silent, shared_ciphertext IS NOT NULL, device_ciphertexts FROM xchat_messages WHERE conversation_id = $c AND seq = $s",
            r => ((string, bool, bool, byte[])?)(r.GetString(0), r.GetInt64(1) == 1, r.GetBoolean(2), r.IsDBNull(3) ? [] : r.GetFieldValue<byte[]>(3)),
            ("$c", conversation), ("$s", seq)).SingleOrDefault();

    public static long MessageCount(string databasePath) =>
        Query(databasePath, "SELECT COUNT(*) FROM xchat_messages", r => r.GetInt64(0)).Single();

    /// <summary>Every grain-state row as (type, id, version): any state write changes it.</summary>
    public static string GrainStateFingerprint(string databasePath) => string.Join("\n",
        Query(databasePath, "SELECT grain_type, grain_id_ext, version FROM xchat_grain_state ORDER BY grain_type, grain_id_ext",
            r => $"{r.GetString(0)}|{(r.IsDBNull(1) ? "" : r.GetString(1))}|{r.GetInt64(2)}"));

    private static List<T> Query<T>(string databasePath, string sql, Func<SqliteDataReader, T> map, params (string Name, object Value)[] parameters)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(map(reader));
        }

        return rows;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="timeout"/> passes; false on timeout.</summary>
    public static async Task<bool> EventuallyAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (condition())
            {
                return true;
            }

            await Task.Delay(100);
        }

        return condition();
    }
}
