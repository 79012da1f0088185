using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using StackExchange.Redis;
using XChat.Gateway.Health;

namespace XChat.Gateway.Hosting;

/// <summary>Connects a separate gateway process to the cluster as an Orleans client (cluster mode).</summary>
public static class OrleansClientExtensions
{
    /// <summary>
    /// Reads "XChat:Cluster:Redis", "XChat:Cluster:ServiceId" and "XChat:Cluster:ClusterId" (the same
    /// keys and defaults the silo uses) and joins that cluster as a client.
    /// </summary>
    public static IHostApplicationBuilder AddXChatClusterClient(this IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection("XChat:Cluster");
        var redis = Redis(builder.Configuration);
        var serviceId = section["ServiceId"] ?? "xchat";
        var clusterId = section["ClusterId"] ?? "xchat";
        var responseTimeout = section.GetValue("ResponseTimeout", TimeSpan.FromSeconds(10));
        builder.UseOrleansClient(client => client
            .Configure<ClusterOptions>(o => { o.ServiceId = serviceId; o.ClusterId = clusterId; })
            // A call to a silo that died is answered only by this timeout; sends are idempotent, so
            // failing it early (UNAVAILABLE) and letting the client retry beats a 30 s stall.
            .Configure<ClientMessagingOptions>(o => o.ResponseTimeout = responseTimeout)
            .UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(redis)));
        // When a silo leaves, the user grains it held lose their push subscriptions: renew them now.
        builder.Services.AddSingleton<GatewayCountChangedHandler>(services =>
            (_, _) => services.GetRequiredService<Connections.PushSubscriptions>().RefreshSoon());
        return builder;
    }

    /// <summary>Readiness of a gateway process: the cluster answers through the Orleans client, and the membership Redis answers.</summary>
    public static IHealthChecksBuilder AddXChatClusterClientChecks(this IHealthChecksBuilder checks, IConfiguration configuration)
    {
        var redis = Redis(configuration);
        checks.Services.AddSingleton(_ => new RedisHealthCheck(redis));
        return checks
            .AddCheck<ClusterClientHealthCheck>("cluster", tags: [ObservabilityExtensions.ReadyTag])
            .Add(new HealthCheckRegistration("redis", services => services.GetRequiredService<RedisHealthCheck>(), failureStatus: null, tags: [ObservabilityExtensions.ReadyTag]));
    }

    private static string Redis(IConfiguration configuration) => configuration["XChat:Cluster:Redis"] ?? "127.0.0.1:6379";
}
