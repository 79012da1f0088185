using Npgsql;

namespace XChat.Grains.Tests.Storage;

/// <summary>
/// A fresh PostgreSQL database for one test class, dropped afterwards. The server comes from
/// XCHAT_TEST_POSTGRES; without it the tests fail (they are never skipped).
/// </summary>
public sealed class PostgresDatabaseFixture : IAsyncLifetime
{
    public const string EnvironmentVariable = "XCHAT_TEST_POSTGRES";

    private readonly string _database = $"xchat_store_test_{Guid.NewGuid():N}";
    private string? _adminConnectionString;

    /// <summary>Connection string of the fixture's own database.</summary>
    public string ConnectionString { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        _adminConnectionString = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(_adminConnectionString))
        {
            throw new InvalidOperationException(
                $"{EnvironmentVariable} is not set. Start PostgreSQL with scripts/services.sh start and set it, e.g. "
                + "XCHAT_TEST_POSTGRES='Host=127.0.0.1;Port=55432;Username=postgres;Database=postgres'.");
        }

        await using (var admin = new NpgsqlConnection(_adminConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {_database}", admin);
            await create.ExecuteNonQueryAsync();
        }

        ConnectionString = new NpgsqlConnectionStringBuilder(_adminConnectionString) { Database = _database }.ConnectionString;
    }

    public async Task DisposeAsync()
    {
        if (string.IsNullOrEmpty(ConnectionString))
        {
            return;
        }

        await using var admin = new NpgsqlConnection(_adminConnectionString);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }
}
