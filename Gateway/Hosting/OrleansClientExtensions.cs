using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using StackExchange.Redis;

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
        var redis = section["Redis"] ?? "127.0.0.1:6379";
        var serviceId = section["ServiceId"] ?? "xchat";
        var clusterId = section["ClusterId"] ?? "xchat";
        builder.UseOrleansClient(client => client
            .Configure<ClusterOptions>(o => { o.ServiceId = serviceId; o.ClusterId = clusterId; })
            .UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(redis)));
        return builder;
    }
}
