using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace XChat.Gateway.Health;

/// <summary>
/// Ready only while this gateway's Orleans client reaches the cluster: a call to the management grain
/// must return at least one active silo.
/// </summary>
public sealed class ClusterClientHealthCheck(IClusterClient client) : IHealthCheck
{
    /// <summary>How long the probe call may take. The default is 5 seconds.</summary>
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(5);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var hosts = await client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(CallTimeout, cancellationToken);
            return hosts.Count > 0
                ? HealthCheckResult.Healthy($"Connected; {hosts.Count} active silo(s).")
                : new HealthCheckResult(context.Registration.FailureStatus, "Connected, but no silo is active.");
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "The cluster did not answer.", exception);
        }
    }
}
