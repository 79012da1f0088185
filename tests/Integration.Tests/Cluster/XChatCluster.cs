using System.Diagnostics;
using XChat.TestSupport;

namespace XChat.Integration.Tests.Cluster;

/// <summary>
/// A real cluster on loopback, as the cluster script runs it: silo processes in cluster mode
/// (Redis membership from XCHAT_TEST_REDIS, grain state and messages in one PostgreSQL database)
/// and one or more WebSocket gateway processes, each on free ports, all under a cluster id of its own.
/// </summary>
internal sealed class XChatCluster : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly List<ChildProcess> _processes = [];

    private readonly IReadOnlyDictionary<string, string> _extraEnvironment;

    private XChatCluster(string postgres, string clusterId, IReadOnlyDictionary<string, string>? extraEnvironment)
    {
        Postgres = postgres;
        ClusterId = clusterId;
        _extraEnvironment = extraEnvironment ?? new Dictionary<string, string>();
    }

    public string Postgres { get; }

    public string ClusterId { get; }

    public const string ServiceId = "xchat-test";

    private readonly Dictionary<ChildProcess, int> _siloPorts = [];

    /// <summary>The silo processes with their silo-to-silo port (the port of their Orleans SiloAddress).</summary>
    public IReadOnlyList<(ChildProcess Process, int SiloPort)> Silos
    {
        get
        {
            lock (_processes)
            {
                return _siloPorts.Select(p => (p.Key, p.Value)).OrderBy(p => p.Key.Name, StringComparer.Ordinal).ToArray();
            }
        }
    }

    private readonly List<(ChildProcess Process, Uri WebSocketUri)> _gateways = [];

    /// <summary>The first gateway's WebSocket address.</summary>
    public Uri WebSocketUri => Gateways[0].WebSocketUri;

    /// <summary>The gateway processes with their WebSocket addresses, in start order.</summary>
    public IReadOnlyList<(ChildProcess Process, Uri WebSocketUri)> Gateways
    {
        get
        {
            lock (_processes)
            {
                return _gateways.ToArray();
            }
        }
    }

    /// <summary>Starts <paramref name="siloCount"/> silos and <paramref name="gatewayCount"/> gateways on the database and waits until every gateway answers Hello.</summary>
    /// <param name="environment">Environment variables for every process, over the defaults (e.g. "Logging__LogLevel__Default").</param>
    public static async Task<XChatCluster> StartAsync(string postgres, int siloCount = 2, int gatewayCount = 1, IReadOnlyDictionary<string, string>? environment = null)
    {
        var cluster = new XChatCluster(postgres, $"test-{Guid.NewGuid():N}", environment);
        try
        {
            await Task.WhenAll(Enumerable.Range(1, siloCount).Select(cluster.StartSiloAsync));
            await Task.WhenAll(Enumerable.Range(1, gatewayCount).Select(cluster.StartGatewayAsync));
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>The last output of every process, for a failure message.</summary>
    public string Diagnostics() => string.Join(Environment.NewLine, _processes.Select(p => p.OutputTail()));

    public ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            process.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    private async Task StartSiloAsync(int number)
    {
        var httpPort = FreePorts.Next();
        var environment = CommonEnvironment();
        environment["XChat__Mode"] = "Cluster";
        environment["XChat__Cluster__Postgres"] = Postgres;
        var siloPort = FreePorts.Next();
        environment["XChat__Cluster__SiloPort"] = siloPort.ToString();
        environment["XChat__Cluster__GatewayPort"] = FreePorts.Next().ToString();
        var silo = Launch($"silo{number}", BuiltBinaries.Silo, httpPort, environment);
        lock (_processes)
        {
            _siloPorts[silo] = siloPort;
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        // The HTTP endpoint answers once the host started, and the silo is started before the web server.
        await WaitUntilAsync(silo, async () => (await http.GetAsync($"http://127.0.0.1:{httpPort}/")).IsSuccessStatusCode);
    }

    private async Task StartGatewayAsync(int number)
    {
        var httpPort = FreePorts.Next();
        var environment = CommonEnvironment();
        // Renew push subscriptions often, so devices whose user grain moved with a killed silo get pushes again soon.
        environment["XChat__Gateway__PushRefreshInterval"] = "00:00:02";
        // The rate limit is not under test here.
        environment["XChat__Gateway__SendsPerSecond"] = "1000";
        environment["XChat__Gateway__SendBurst"] = "1000";
        var gateway = Launch(number == 1 ? "gateway" : $"gateway{number}", BuiltBinaries.Gateway, httpPort, environment);
        var webSocketUri = new Uri($"ws://127.0.0.1:{httpPort}/ws");
        lock (_processes)
        {
            _gateways.Add((gateway, webSocketUri));
            _gateways.Sort((a, b) => string.CompareOrdinal(a.Process.Name, b.Process.Name));
        }

        await WaitUntilAsync(gateway, async () =>
        {
            await using var probe = await RawClient.ConnectAsync(webSocketUri);
            await probe.HelloAsync();
            return true;
        });
    }

    private Dictionary<string, string> CommonEnvironment()
    {
        var environment = new Dictionary<string, string>
        {
            ["XChat__Cluster__Redis"] = TestEnvironment.Redis,
            ["XChat__Cluster__ServiceId"] = ServiceId,
            ["XChat__Cluster__ClusterId"] = ClusterId,
            ["Logging__LogLevel__Default"] = "Warning",
            ["DOTNET_gcServer"] = "0",
        };
        foreach (var (key, value) in _extraEnvironment)
        {
            environment[key] = value;
        }

        return environment;
    }

    private ChildProcess Launch(string name, string dll, int httpPort, Dictionary<string, string> environment)
    {
        var process = ChildProcess.Start(name, dll, ["--urls", $"http://127.0.0.1:{httpPort}"], environment);
        lock (_processes)
        {
            _processes.Add(process);
        }

        return process;
    }

    private async Task WaitUntilAsync(ChildProcess process, Func<Task<bool>> ready)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < StartTimeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{process.Name} exited while starting.{Environment.NewLine}{process.OutputTail()}");
            }

            try
            {
                if (await ready())
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Net.WebSockets.WebSocketException or InvalidOperationException)
            {
                // Not listening yet.
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"{process.Name} was not ready within {StartTimeout}.{Environment.NewLine}{process.OutputTail()}");
    }
}
