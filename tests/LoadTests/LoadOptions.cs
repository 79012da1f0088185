using System.Globalization;
using System.Net;

namespace XChat.LoadTests;

/// <summary>The command line of xchat-load.</summary>
internal sealed record LoadOptions
{
    /// <summary>Which workload runs. The default is <see cref="LoadScenario.Pairs"/>.</summary>
    public LoadScenario Scenario { get; init; } = LoadScenario.Pairs;

    /// <summary>The XChat gateways (--server, repeatable); empty runs only the relay baseline.</summary>
    public IReadOnlyList<Uri> Servers { get; init; } = [];

    /// <summary>The first gateway, or null when none was given.</summary>
    public Uri? Server => Servers.Count > 0 ? Servers[0] : null;

    public int Pairs { get; init; } = 100;

    /// <summary>Messages per pair (pairs, cluster) or per group (group-fanout). The default is 200 (pairs) or 50 (group-fanout).</summary>
    public int? MessagesOption { get; init; }

    public int Messages => MessagesOption ?? (Scenario == LoadScenario.GroupFanout ? 50 : 200);

    public int Window { get; init; } = 10;

    /// <summary>
    /// Messages per pair sent on the same pairs before the clock starts, and left out of every figure
    /// (pairs, cluster; the XChat and the relay workload alike). The default is 0: none.
    /// </summary>
    public int Warmup { get; init; }

    public int PayloadBytes { get; init; } = 256;

    public int? ServerPid { get; init; }

    /// <summary>Group members besides the sender (group-fanout). The default is 500.</summary>
    public int Members { get; init; } = 500;

    /// <summary>Group messages per second (group-fanout). The default is 10.</summary>
    public int Rate { get; init; } = 10;

    /// <summary>Offline recipients (offline-drain). The default is 100.</summary>
    public int Recipients { get; init; } = 100;

    /// <summary>Senders writing to the offline recipients (offline-drain). The default is 10.</summary>
    public int Senders { get; init; } = 10;

    /// <summary>Messages sent to the offline recipients in all (offline-drain). The default is 50,000.</summary>
    public int Total { get; init; } = 50_000;

    /// <summary>Connections opened (connect-storm). The default is 2,000.</summary>
    public int Connections { get; init; } = 2_000;

    /// <summary>How long the server is left to settle (GC) before its memory is read (connect-storm). The default is 10 seconds.</summary>
    public TimeSpan Settle { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Where the JSON and markdown reports go. The default is ./load-reports.</summary>
    public string ReportDir { get; init; } = "load-reports";

    /// <summary>Upper bound on one workload's measured phase; messages still missing then count as lost.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>How many connections register or connect at once (setup, and the connect-storm itself). The default is 16 (64 for connect-storm).</summary>
    public int? SetupParallelismOption { get; init; }

    public int SetupParallelism => SetupParallelismOption ?? (Scenario == LoadScenario.ConnectStorm ? 64 : 16);

    public bool SkipRelay { get; init; }

    /// <summary>
    /// pairs and cluster: whether the XChat workload is end-to-end encrypted (<see cref="E2ePair"/>):
    /// off (the default), only encrypted (--e2e), or both one after the other in this run (--e2e-compare).
    /// </summary>
    public E2eMode E2e { get; init; } = E2eMode.Off;

    /// <summary>Only the pairs scenario has a relay baseline; the cluster scenario compares nothing.</summary>
    public bool RunsRelay => Scenario == LoadScenario.Pairs && !SkipRelay;

    public const string Usage =
        "xchat-load [--scenario pairs|group-fanout|offline-drain|connect-storm|cluster]\n" +
        "           [--server ws://127.0.0.1:5080/ws]... [--server-pid N] [--report-dir ./load-reports] [--timeout-seconds 120]\n" +
        "  pairs, cluster: [--pairs 100] [--messages 200] [--window 10] [--payload 256] [--skip-relay] [--e2e | --e2e-compare]\n" +
        "  group-fanout:   [--members 500] [--messages 50] [--rate 10] [--payload 256]\n" +
        "  offline-drain:  [--recipients 100] [--senders 10] [--total 50000] [--window 10] [--payload 256]\n" +
        "  connect-storm:  [--connections 2000] [--settle-seconds 10]\n" +
        "  setup:          [--setup-parallelism 16 (64 for connect-storm)]";

    public static LoadOptions Parse(string[] args)
    {
        var options = new LoadOptions();
        var servers = new List<Uri>();
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int Number() => int.Parse(Value(), NumberStyles.None, CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--server": servers.Add(new Uri(Value())); break;
                default:
                    options = args[i] switch
                    {
                        "--scenario" => options with { Scenario = ParseScenario(Value()) },
                        "--pairs" => options with { Pairs = Number() },
                        "--messages" => options with { MessagesOption = Number() },
                        "--window" => options with { Window = Number() },
                        "--warmup" => options with { Warmup = Number() },
                        "--payload" => options with { PayloadBytes = Number() },
                        "--server-pid" => options with { ServerPid = Number() },
                        "--members" => options with { Members = Number() },
                        "--rate" => options with { Rate = Number() },
                        "--recipients" => options with { Recipients = Number() },
                        "--senders" => options with { Senders = Number() },
                        "--total" => options with { Total = Number() },
                        "--connections" => options with { Connections = Number() },
                        "--settle-seconds" => options with { Settle = TimeSpan.FromSeconds(Number()) },
                        "--report-dir" => options with { ReportDir = Value() },
                        "--timeout-seconds" => options with { Timeout = TimeSpan.FromSeconds(Number()) },
                        "--setup-parallelism" => options with { SetupParallelismOption = Number() },
                        "--skip-relay" => options with { SkipRelay = true },
                        "--e2e" => options with { E2e = E2eMode.Only },
                        "--e2e-compare" => options with { E2e = E2eMode.Compare },
                        _ => throw new ArgumentException($"Unknown argument {args[i]}."),
                    };
                    break;
            }
        }

        options = options with { Servers = servers };
        options.Validate();
        return options;
    }

    private static LoadScenario ParseScenario(string name) => name switch
    {
        "pairs" => LoadScenario.Pairs,
        "group-fanout" => LoadScenario.GroupFanout,
        "offline-drain" => LoadScenario.OfflineDrain,
        "connect-storm" => LoadScenario.ConnectStorm,
        "cluster" => LoadScenario.Cluster,
        _ => throw new ArgumentException($"Unknown scenario {name}: pairs, group-fanout, offline-drain, connect-storm or cluster."),
    };

    private void Validate()
    {
        // The tool generates real load: it only ever talks to this machine.
        if (Servers.Any(s => !IsLoopback(s)))
        {
            throw new ArgumentException("--server must be a loopback address (127.0.0.1, ::1 or localhost).");
        }

        if (Pairs is < 1 or > 10_000 || Messages is < 1 or > 1_000_000 || Window is < 1 or > 10_000)
        {
            throw new ArgumentException("--pairs must be 1..10000, --messages 1..1000000, --window 1..10000.");
        }

        if (Warmup is < 0 or > 1_000_000)
        {
            throw new ArgumentException("--warmup must be 0..1000000.");
        }

        if (PayloadBytes is < Payload.HeaderBytes or > 65536)
        {
            throw new ArgumentException($"--payload must be {Payload.HeaderBytes}..65536 bytes.");
        }

        if (Members is < 1 or > 10_000 || Rate is < 1 or > 10_000 || Recipients is < 1 or > 10_000 || Senders is < 1 or > 1_000
            || Total is < 1 or > 10_000_000 || Connections is < 1 or > 50_000 || Settle < TimeSpan.Zero || Settle > TimeSpan.FromMinutes(5)
            || SetupParallelism is < 1 or > 1_000 || Timeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("--members 1..10000, --rate 1..10000, --recipients 1..10000, --senders 1..1000, --total 1..10000000, " +
                "--connections 1..50000, --settle-seconds 0..300, --setup-parallelism 1..1000, --timeout-seconds above 0.");
        }

        if (Total < Recipients)
        {
            throw new ArgumentException("--total must be at least --recipients: every recipient gets a message.");
        }

        if (Scenario != LoadScenario.Pairs && Server is null)
        {
            throw new ArgumentException("This scenario needs --server.");
        }

        if (Scenario == LoadScenario.Cluster && Servers.Count < 2)
        {
            throw new ArgumentException("The cluster scenario needs at least two --server gateways (pairs are spread over them).");
        }

        if (E2e != E2eMode.Off && (Server is null || Scenario is not (LoadScenario.Pairs or LoadScenario.Cluster)))
        {
            throw new ArgumentException("--e2e and --e2e-compare apply to the XChat workload of pairs and cluster, and need --server.");
        }

        if (SkipRelay && Server is null)
        {
            throw new ArgumentException("--skip-relay needs --server: there would be nothing to run.");
        }
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}

/// <summary>The workloads of xchat-load.</summary>
internal enum LoadScenario
{
    /// <summary>P pairs of 1:1 conversations, against XChat and the bare relay.</summary>
    Pairs,

    /// <summary>One sender, a large group, every member online.</summary>
    GroupFanout,

    /// <summary>Recipients offline while messages pile up, then all reconnect at once.</summary>
    OfflineDrain,

    /// <summary>Many connections logging in as fast as possible, then idle.</summary>
    ConnectStorm,

    /// <summary>The pairs workload spread over several gateways of one cluster.</summary>
    Cluster,
}

/// <summary>Whether the pairs workload runs end-to-end encrypted.</summary>
internal enum E2eMode
{
    /// <summary>Random payloads stand in for ciphertext (the default).</summary>
    Off,

    /// <summary>Every payload is encrypted with a Double Ratchet session and checked after decryption.</summary>
    Only,

    /// <summary>The plain workload and then the encrypted one, on fresh pairs, in the same run.</summary>
    Compare,
}
