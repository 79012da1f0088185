using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Runtime;
using StackExchange.Redis;
using XChat.TestSupport;

namespace XChat.Integration.Tests.Cluster;

/// <summary>
/// An Orleans client of a test cluster that only asks where grains are active, so a failover test
/// can kill the silo that hosts the grains under test rather than one chosen blindly.
/// </summary>
internal sealed class ClusterInspector : IAsyncDisposable
{
    private readonly IHost _host;

    private ClusterInspector(IHost host) => _host = host;

    public static async Task<ClusterInspector> ConnectAsync(string serviceId, string clusterId)
    {
        var host = new HostBuilder()
            .ConfigureLogging(logging => logging.ClearProviders())
            .UseOrleansClient(client => client
                .Configure<ClusterOptions>(o => { o.ServiceId = serviceId; o.ClusterId = clusterId; })
                .UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(TestEnvironment.Redis)))
            .Build();
        await host.StartAsync();
        return new ClusterInspector(host);
    }

    /// <summary>The silo port of the silo each grain (by string key) is active on; grains not active are left out.</summary>
    public async Task<IReadOnlyDictionary<string, int>> SiloPortsOfAsync(IReadOnlyCollection<string> grainKeys)
    {
        var management = _host.Services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0);
        var statistics = await management.GetDetailedGrainStatistics();
        var wanted = grainKeys.ToHashSet(StringComparer.Ordinal);
        return statistics
            .Where(s => wanted.Contains(s.GrainId.Key.ToString()!))
            .GroupBy(s => s.GrainId.Key.ToString()!)
            .ToDictionary(g => g.Key, g => g.First().SiloAddress.Endpoint.Port);
    }

    /// <summary>The silo ports of the silos the membership table lists as active.</summary>
    public async Task<IReadOnlyList<int>> ActiveSiloPortsAsync()
    {
        var management = _host.Services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0);
        var hosts = await management.GetHosts(onlyActive: true);
        return hosts.Keys.Select(silo => silo.Endpoint.Port).Order().ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync(TimeSpan.FromSeconds(5));
        }
        finally
        {
            _host.Dispose();
        }
    }
}
