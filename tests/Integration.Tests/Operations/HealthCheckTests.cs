using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using XChat.Gateway.Health;
using XChat.Silo.Health;
using XChat.TestSupport;

namespace XChat.Integration.Tests.Operations;

/// <summary>The readiness checks behind /health, against real PostgreSQL, Redis and SQLite, and against nothing.</summary>
public sealed class HealthCheckTests
{
    [Fact]
    public async Task Storage_PostgresAnswers_Healthy()
    {
        var result = await RunAsync(new StorageHealthCheck(NpgsqlFactory.Instance, TestEnvironment.Postgres));

        Assert.Equal(HealthStatus.Healthy, result.Status);
    }

    [Fact]
    public async Task Storage_NoPostgresListening_Unhealthy()
    {
        var nowhere = new NpgsqlConnectionStringBuilder(TestEnvironment.Postgres) { Port = FreePorts.Next(), Timeout = 2 }.ConnectionString;

        var result = await RunAsync(new StorageHealthCheck(NpgsqlFactory.Instance, nowhere));

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.NotNull(result.Exception);
    }

    [Fact]
    public async Task Storage_WrongPostgresDatabase_Unhealthy()
    {
        var missing = new NpgsqlConnectionStringBuilder(TestEnvironment.Postgres) { Database = $"missing_{Guid.NewGuid():N}" }.ConnectionString;

        var result = await RunAsync(new StorageHealthCheck(NpgsqlFactory.Instance, missing));

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
    }

    [Fact]
    public async Task Storage_SqliteFileMissing_UnhealthyAndNotCreated()
    {
        var path = Path.Combine(Path.GetTempPath(), $"xchat-missing-{Guid.NewGuid():N}", "xchat.db");
        var connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString();

        var result = await RunAsync(new StorageHealthCheck(SqliteFactory.Instance, connectionString));

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.False(File.Exists(path), "a health check must not create the database it probes");
    }

    [Fact]
    public async Task Redis_Answers_Healthy()
    {
        await using var check = new RedisHealthCheck(TestEnvironment.Redis);

        var result = await RunAsync(check);

        Assert.Equal(HealthStatus.Healthy, result.Status);
    }

    [Fact]
    public async Task Redis_NothingListening_Unhealthy()
    {
        await using var check = new RedisHealthCheck($"127.0.0.1:{FreePorts.Next()}");

        var result = await RunAsync(check);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
    }

    private static Task<HealthCheckResult> RunAsync(IHealthCheck check)
    {
        var context = new HealthCheckContext
        {
            Registration = new HealthCheckRegistration("probe", check, failureStatus: HealthStatus.Unhealthy, tags: null),
        };
        return check.CheckHealthAsync(context);
    }
}
