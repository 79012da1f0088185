using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace XChat.Grains.Storage;

/// <summary>
/// One prepared write statement on the writer connection, bound and stepped through SQLite's C API.
/// Microsoft.Data.Sqlite allocates a binder per parameter, a data reader and boxed integers on every
/// execution; the group-commit writer runs one statement per message row, so this keeps that path free
/// of allocations. Errors surface as <see cref="SqliteException"/> with SQLite's codes, like the
/// rest of the store. Owned by the writer loop alone: not thread-safe.
/// </summary>
internal sealed class SqliteRawInsert : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private byte[] _utf8 = new byte[256];

    /// <param name="parameterNames">The statement's parameters in the order SQLite numbers them (first appearance), checked here so the numbers the caller binds by cannot drift from the SQL.</param>
    public SqliteRawInsert(SqliteConnection connection, string sql, params string[] parameterNames)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        var rc = raw.sqlite3_prepare_v2(_db, sql, out _statement);
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }

        var actual = Enumerable.Range(1, raw.sqlite3_bind_parameter_count(_statement))
            .Select(i => raw.sqlite3_bind_parameter_name(_statement, i).utf8_to_string())
            .ToArray();
        if (!actual.SequenceEqual(parameterNames, StringComparer.Ordinal))
        {
            _statement.Dispose();
            throw new InvalidOperationException($"The statement's parameters are ({string.Join(", ", actual)}), not ({string.Join(", ", parameterNames)}).");
        }
    }

    /// <summary>Binds a string as UTF-8 (SQLite copies it).</summary>
    public void Text(int index, string value)
    {
        var length = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (length > _utf8.Length)
        {
            _utf8 = new byte[Math.Max(length, _utf8.Length * 2)];
        }

        var written = Encoding.UTF8.GetBytes(value, _utf8);
        Check(raw.sqlite3_bind_text(_statement, index, _utf8.AsSpan(0, written)));
    }

    public void Integer(int index, long value) => Check(raw.sqlite3_bind_int64(_statement, index, value));

    public void IntegerOrNull(int index, long? value) =>
        Check(value is { } v ? raw.sqlite3_bind_int64(_statement, index, v) : raw.sqlite3_bind_null(_statement, index));

    /// <summary>Binds bytes, or NULL for null (SQLite copies them).</summary>
    public void BlobOrNull(int index, byte[]? value) =>
        Check(value is null ? raw.sqlite3_bind_null(_statement, index) : raw.sqlite3_bind_blob(_statement, index, value.AsSpan()));

    /// <summary>Runs the statement once and resets it for the next row; a failure throws <see cref="SqliteException"/>.</summary>
    public void Execute()
    {
        var rc = raw.sqlite3_step(_statement);
        raw.sqlite3_reset(_statement);
        if (rc != raw.SQLITE_DONE)
        {
            // The primary code (e.g. 19 for any constraint), as Microsoft.Data.Sqlite reports it.
            SqliteException.ThrowExceptionForRC(rc & 0xFF, _db);
        }
    }

    public void Dispose() => _statement.Dispose();

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }
}
