namespace XChat.TestSupport;

/// <summary>The external services the test command (scripts/test.sh) starts. A missing one fails the test: it never skips.</summary>
public static class TestEnvironment
{
    public static string Postgres => Require("XCHAT_TEST_POSTGRES");

    public static string Redis => Require("XCHAT_TEST_REDIS");

    /// <summary>A fresh, empty PostgreSQL database for one test, on the test server.</summary>
    public static async Task<string> CreatePostgresDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 33, 63)];
        await using var connection = new Npgsql.NpgsqlConnection(Postgres);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return new Npgsql.NpgsqlConnectionStringBuilder(Postgres) { Database = name }.ConnectionString;
    }

    private static string Require(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{variable} is not set: run the tests with scripts/test.sh, which starts PostgreSQL and Redis.");
}
