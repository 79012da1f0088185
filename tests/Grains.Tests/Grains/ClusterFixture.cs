using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using XChat.Grains.Hosting;
using XChat.Grains.Storage;

namespace XChat.Grains.Tests.Grains;

/// <summary>
/// An in-process test cluster with the grains as the silo hosts them: memory grain storage named
/// "xchat" (the AdoNet provider is tested in Integration.Tests) and the real SQLite message store
/// on a file of its own, initialized by the store's silo lifecycle participant.
/// </summary>
public abstract class XChatClusterFixture : IAsyncLifetime
{
    private readonly string _databasePath = Path.Combine(Path.GetTempPath(), "xchat-grain-tests", $"{Guid.NewGuid():N}.db");

    public InProcessTestCluster Cluster { get; private set; } = null!;

    /// <summary>The cluster client: grain calls from here cross the wire like the gateway's do.</summary>
    public IClusterClient Client => Cluster.Client;

    /// <summary>The silo's message store, to read back what was (or was not) committed (any silo's: they share the file).</summary>
    public IMessageStore Store => Cluster.GetSiloServiceProvider().GetRequiredService<IMessageStore>();

    /// <summary>How many silos the cluster starts with. The default is one.</summary>
    protected virtual short Silos => 1;

    /// <summary>Limits of this cluster; the defaults unless a derived fixture narrows them.</summary>
    protected virtual void ConfigureLimits(XChatGrainOptions limits)
    {
    }

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(Silos);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage(StorageNames.GrainState);
            silo.Services.AddSqliteMessageStore(o => o.DatabasePath = _databasePath);
            silo.Services.AddXChatGrains();
            silo.Services.Configure<XChatGrainOptions>(ConfigureLimits);
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_databasePath + suffix);
        }
    }
}

/// <summary>The default limits: what a deployment runs with.</summary>
public sealed class ClusterFixture : XChatClusterFixture;

/// <summary>
/// Narrow limits, so tests can reach them cheaply: 1 KiB payloads, groups of 3, 16 remembered
/// sends (older retries go to the store), push subscriptions that expire after two seconds.
/// </summary>
public sealed class TightLimitsClusterFixture : XChatClusterFixture
{
    public const int MaxPayloadBytes = 1024;
    public const int MaxGroupMembers = 3;
    public const int RecentSendsRemembered = 16;
    public const int MaxDevicesPerUser = 3;
    public static readonly TimeSpan LinkCodeLifetime = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan PushSubscriptionLifetime = TimeSpan.FromSeconds(2);

    protected override void ConfigureLimits(XChatGrainOptions limits)
    {
        limits.MaxPayloadBytes = MaxPayloadBytes;
        limits.MaxGroupMembers = MaxGroupMembers;
        limits.RecentSendsRemembered = RecentSendsRemembered;
        limits.PushSubscriptionLifetime = PushSubscriptionLifetime;
        limits.MaxDevicesPerUser = MaxDevicesPerUser;
        limits.LinkCodeLifetime = LinkCodeLifetime;
    }
}

/// <summary>Two silos sharing the SQLite file, for grains that move between silos.</summary>
public sealed class TwoSiloClusterFixture : XChatClusterFixture
{
    protected override short Silos => 2;
}

/// <summary>Tests on the default-limits cluster; they share one cluster and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "Grain cluster";
}

/// <summary>Tests on the tight-limits cluster.</summary>
[CollectionDefinition(Name)]
public sealed class TightLimitsClusterCollection : ICollectionFixture<TightLimitsClusterFixture>
{
    public const string Name = "Grain cluster with tight limits";
}

/// <summary>Tests on the two-silo cluster.</summary>
[CollectionDefinition(Name)]
public sealed class TwoSiloClusterCollection : ICollectionFixture<TwoSiloClusterFixture>
{
    public const string Name = "Grain cluster with two silos";
}
