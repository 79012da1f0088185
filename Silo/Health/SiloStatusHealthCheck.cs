using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Runtime;

namespace XChat.Silo.Health;

/// <summary>Ready only while this silo is an active member of the cluster (joined, not yet shutting down).</summary>
public sealed class SiloStatusHealthCheck(ISiloStatusOracle oracle) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = oracle.CurrentStatus;
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy("The silo is active in the cluster.")
            : new HealthCheckResult(context.Registration.FailureStatus, $"The silo is {status}."));
    }
}
