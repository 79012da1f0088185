using System.Data.Common;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace XChat.Silo.Health;

/// <summary>Ready only while the database (SQLite file or PostgreSQL) answers a trivial query.</summary>
/// <param name="factory">The ADO.NET provider: <c>SqliteFactory.Instance</c> or <c>NpgsqlFactory.Instance</c>.</param>
/// <param name="connectionString">For SQLite, open the file read-write without creating it, so a missing file is unhealthy.</param>
public sealed class StorageHealthCheck(DbProviderFactory factory, string connectionString) : IHealthCheck
{
    /// <summary>How long opening the connection and running the query may take. The default is 5 seconds.</summary>
    public static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(5);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(QueryTimeout);
        try
        {
            await using var connection = factory.CreateConnection() ?? throw new InvalidOperationException("The provider creates no connection.");
            connection.ConnectionString = connectionString;
            await connection.OpenAsync(timeout.Token);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            command.CommandTimeout = (int)QueryTimeout.TotalSeconds;
            await command.ExecuteScalarAsync(timeout.Token);
            return HealthCheckResult.Healthy("Storage answered.");
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "Storage did not answer.", exception);
        }
    }
}
