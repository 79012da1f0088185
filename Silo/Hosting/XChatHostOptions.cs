using System.ComponentModel.DataAnnotations;

namespace XChat.Silo.Hosting;

/// <summary>How the process runs. Bound from the configuration section "XChat".</summary>
public sealed class XChatHostOptions
{
    public const string SectionName = "XChat";

    /// <summary>Standalone (one process: silo + WebSocket gateway + SQLite) or Cluster (a silo of many: Redis membership, PostgreSQL, no WebSocket). The default is Standalone.</summary>
    public HostMode Mode { get; set; } = HostMode.Standalone;

    /// <summary>Standalone: the folder holding the SQLite database (xchat.db). The default is "data" under the working directory.</summary>
    public string DataDir { get; set; } = "data";

    /// <summary>Cluster mode settings; in standalone mode only the ports and ids apply (to the localhost cluster).</summary>
    public ClusterSettings Cluster { get; set; } = new();
}

public enum HostMode
{
    Standalone,
    Cluster,
}

/// <summary>Settings of a silo (or gateway) in cluster mode. Section "XChat:Cluster".</summary>
public sealed class ClusterSettings
{
    /// <summary>Redis for cluster membership, a StackExchange.Redis configuration string. The default is "127.0.0.1:6379".</summary>
    public string Redis { get; set; } = "127.0.0.1:6379";

    /// <summary>PostgreSQL for grain state and messages, an Npgsql connection string. Required in cluster mode.</summary>
    public string Postgres { get; set; } = string.Empty;

    /// <summary>Orleans service id: stable across deployments, it keys the stored state. The default is "xchat".</summary>
    public string ServiceId { get; set; } = "xchat";

    /// <summary>Orleans cluster id: silos and gateways with the same id form one cluster. The default is "xchat".</summary>
    public string ClusterId { get; set; } = "xchat";

    /// <summary>Silo-to-silo port. The default is 11111.</summary>
    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port Orleans clients (the WebSocket gateways) connect to. The default is 30000.</summary>
    [Range(1, 65535)]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>Address other silos and gateways reach this silo at. The default is 127.0.0.1 (in Kubernetes: the pod IP).</summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    /// <summary>Time a membership probe may take before it counts as missed. The default is 1 second, so a dead silo is declared in about 2 seconds.</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a grain call may wait for its answer (silos and gateways). A call into a silo that
    /// died is failed only by this timeout; sends are idempotent, so clients retry. The default is 10 seconds.
    /// </summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Missed probes before a silo is suspected dead. The default is 2.</summary>
    [Range(1, 10)]
    public int NumMissedProbesLimit { get; set; } = 2;
}
