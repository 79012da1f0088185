using Microsoft.Data.Sqlite;
using XChat.Grains.Storage;

namespace XChat.Grains.Tests.Storage;

/// <summary>The writer's raw prepared statements: binding, errors as SqliteException, and the parameter-name check.</summary>
public sealed class SqliteRawInsertTests : IDisposable
{
    private readonly SqliteConnection _connection = new("Data Source=:memory:");

    public SqliteRawInsertTests()
    {
        _connection.Open();
        using var create = _connection.CreateCommand();
        create.CommandText = "CREATE TABLE t (name TEXT NOT NULL, n INTEGER NULL, data BLOB NULL, UNIQUE (name))";
        create.ExecuteNonQuery();
    }

    [Fact]
    public void Execute_BoundValues_AreStoredAsBound()
    {
        using var insert = new SqliteRawInsert(_connection, "INSERT INTO t (name, n, data) VALUES (@name, @n, @data)", "@name", "@n", "@data");

        insert.Text(1, "héllo");
        insert.IntegerOrNull(2, 42);
        insert.BlobOrNull(3, [1, 2, 3]);
        insert.Execute();
        insert.Text(1, "second");
        insert.IntegerOrNull(2, null);
        insert.BlobOrNull(3, null);
        insert.Execute();

        using var read = _connection.CreateCommand();
        read.CommandText = "SELECT name, n, data FROM t ORDER BY rowid";
        using var reader = read.ExecuteReader();
        Assert.True(reader.Read());
        Assert.Equal("héllo", reader.GetString(0));
        Assert.Equal(42, reader.GetInt64(1));
        Assert.Equal(new byte[] { 1, 2, 3 }, (byte[])reader.GetValue(2));
        Assert.True(reader.Read());
        Assert.Equal("second", reader.GetString(0));
        Assert.True(reader.IsDBNull(1));
        Assert.True(reader.IsDBNull(2));
        Assert.False(reader.Read());
    }

    [Fact]
    public void Execute_UniqueViolation_ThrowsSqliteConstraintAndTheStatementStaysUsable()
    {
        using var insert = new SqliteRawInsert(_connection, "INSERT INTO t (name) VALUES (@name)", "@name");
        insert.Text(1, "taken");
        insert.Execute();

        insert.Text(1, "taken");
        var error = Assert.Throws<SqliteException>(insert.Execute);
        insert.Text(1, "free");
        insert.Execute();

        Assert.Equal(19, error.SqliteErrorCode); // SQLITE_CONSTRAINT
        using var count = _connection.CreateCommand();
        count.CommandText = "SELECT count(*) FROM t";
        Assert.Equal(2L, count.ExecuteScalar());
    }

    [Fact]
    public void Constructor_ParameterNamesOutOfOrder_Throws()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            new SqliteRawInsert(_connection, "INSERT INTO t (name, n) VALUES (@name, @n)", "@n", "@name"));

        Assert.Contains("@name, @n", error.Message);
    }

    public void Dispose() => _connection.Dispose();
}
