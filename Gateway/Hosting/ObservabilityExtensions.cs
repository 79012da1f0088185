using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using XChat.Gateway.Health;

namespace XChat.Gateway.Hosting;

/// <summary>Metrics on /metrics and health on /alive and /health, for the silo and the gateway process alike.</summary>
public static class ObservabilityExtensions
{
    /// <summary>Checks with this tag decide /alive: the process is up and serving HTTP.</summary>
    public const string LiveTag = "live";

    /// <summary>Checks with this tag decide /health: ready to serve (cluster joined, storage and Redis reachable).</summary>
    public const string ReadyTag = "ready";

    /// <summary>
    /// Adds the OpenTelemetry meter provider (Orleans' "Microsoft.Orleans" meter and our "XChat") with the
    /// Prometheus exporter, and the health check service with the liveness check. Callers add their
    /// readiness checks to the returned builder, tagged <see cref="ReadyTag"/>.
    /// </summary>
    public static IHealthChecksBuilder AddXChatObservability(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter("Microsoft.Orleans", GatewayMetrics.MeterName)
            .AddPrometheusExporter());
        return builder.Services.AddHealthChecks()
            .AddCheck("process", () => HealthCheckResult.Healthy("The process is up."), [LiveTag]);
    }

    /// <summary>Maps /metrics (Prometheus text format), /alive and /health (JSON; 200 when healthy, 503 otherwise).</summary>
    public static WebApplication MapXChatObservability(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapHealthChecks("/alive", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(LiveTag),
            ResponseWriter = HealthReportWriter.WriteAsync,
        });
        app.MapHealthChecks("/health", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResponseWriter = HealthReportWriter.WriteAsync,
        });
        return app;
    }
}
