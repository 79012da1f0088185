using XChat.LoadTests;
using XChat.LoadTests.Scenarios;
using XChat.TestSupport;

namespace XChat.Integration.Tests.Client;

/// <summary>Each load scenario of xchat-load, tiny, against the real server: every acknowledged message arrives once.</summary>
[Collection(ClientServerCollection.Name)]
public sealed class LoadScenarioTests(ClientServerFixture fixture) : IDisposable
{
    private readonly StandaloneServer _server = fixture.Server;
    private readonly string _reports = Directory.CreateTempSubdirectory("xchat-load-reports").FullName;

    public void Dispose() => Directory.Delete(_reports, recursive: true);

    [Fact]
    public async Task GroupFanout_SmallGroup_EveryMemberGetsEveryMessageOnce()
    {
        var report = await RunAsync("group-fanout", "--members", "6", "--messages", "5", "--rate", "50");

        Assert.Equal(30, report["delivered"]);
        AssertNothingLost(report);
        Assert.True(report["latency p99"] > 0, "Delivery latency is measured.");
    }

    [Fact]
    public async Task OfflineDrain_SmallBacklog_EveryRecipientGetsItsMessagesOnce()
    {
        var report = await RunAsync("offline-drain", "--recipients", "4", "--senders", "2", "--total", "60", "--window", "4");

        Assert.Equal(60, report["acknowledged sends"]);
        Assert.Equal(60, report["delivered"]);
        AssertNothingLost(report);
        Assert.Equal(0, report["reconnect failures"]);
        Assert.True(report["drain rate"] > 0, "The drain rate is measured.");
    }

    [Fact]
    public async Task ConnectStorm_FewConnections_AllLogInAndStayConnected()
    {
        // The server runs in this process, so its memory is this process's.
        var report = await RunAsync("connect-storm", "--connections", "12", "--setup-parallelism", "4", "--settle-seconds", "0", "--server-pid", $"{Environment.ProcessId}");

        Assert.Equal(12, report["registrations"]);
        Assert.Equal(12, report["logins"]);
        Assert.Equal(0, report["login failures"]);
        Assert.Equal(12, report["connected after settle"]);
        Assert.False(double.IsNaN(report["server memory per idle connection"]), "The memory figure is computed when the server PID is given.");
    }

    [Fact]
    public async Task Cluster_PairsOverTwoGatewayAddresses_DeliversEveryMessageOnce()
    {
        // The same server under two addresses: the scenario's spreading of pairs is what is tested here;
        // the real two-gateway cluster is benchmarks/run-scenarios.sh cluster.
        var report = await RunAsync("cluster", "--server", _server.WebSocketUri.ToString(), "--pairs", "3", "--messages", "10", "--window", "4");

        Assert.Equal(30, report["xchat delivered"]);
        Assert.Equal(0, report["xchat lost"]);
        Assert.Equal(0, report["xchat duplicated"]);
        Assert.DoesNotContain(report.Figures, f => f.Name.StartsWith("relay", StringComparison.Ordinal));
    }

    private async Task<ScenarioReport> RunAsync(string scenario, params string[] extra)
    {
        string[] args = ["--scenario", scenario, "--server", _server.WebSocketUri.ToString(), "--timeout-seconds", "60", "--report-dir", _reports, .. extra];
        var report = await ScenarioRunner.RunAsync(LoadOptions.Parse(args), args);
        var (json, markdown) = report.Write(_reports);
        Assert.True(File.Exists(json) && File.Exists(markdown), "Every run writes a JSON and a markdown report.");
        return report;
    }

    private static void AssertNothingLost(ScenarioReport report)
    {
        Assert.Equal(0, report["lost"]);
        Assert.Equal(0, report["duplicated"]);
        Assert.Equal(0, report["reordered"]);
        Assert.Equal(0, report["send errors"]);
    }
}
