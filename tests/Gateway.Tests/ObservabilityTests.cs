using System.Net;
using System.Text.Json;
using XChat.Client.Transport;
using XChat.Protocol;
using XChat.TestSupport;

namespace XChat.Gateway.Tests;

/// <summary>/metrics, /alive and /health of the standalone server, over real HTTP.</summary>
public sealed class ObservabilityTests
{
    private static readonly TimeSpan ScrapeDeadline = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Metrics_AfterTrafficOfEveryKind_EveryXChatSeriesMovedAndOrleansSeriesPresent()
    {
        // A burst of one send refilled once in 100 s, so the second send in a row is rate limited
        // however long the first one takes on a slow machine.
        await using var server = await StandaloneServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["XChat:Gateway:SendsPerSecond"] = "0.01",
            ["XChat:Gateway:SendBurst"] = "1",
        });
        var uri = server.WebSocketUri;
        var (alice, _) = await Users.RegisterAsync(uri);
        var (bob, bobIdentity) = await Users.RegisterAsync(uri);
        await using var _a = alice;
        await using var _b = bob;
        var impostor = DeviceIdentity.Create();
        impostor.SetAddress(bobIdentity.UserId!, bobIdentity.DeviceId);
        await using (var attacker = await RawClient.ConnectAsync(uri))
        {
            Assert.Equal(ErrorCode.AuthFailed, (await attacker.LoginAsync(impostor)).Error.Code);
        }

        var conversation = await Users.CreateDirectAsync(alice, bobIdentity.UserId!);
        Assert.Equal(1ul, (await alice.RequestAsync(Users.Send(conversation.ConversationId, "m1", [1]))).Send.Seq);
        Assert.Equal(ErrorCode.RateLimited, (await alice.RequestAsync(Users.Send(conversation.ConversationId, "m2", [2]))).Error.Code);
        Assert.Equal(ServerFrame.BodyOneofCase.Push, (await bob.ReceiveAsync(TimeSpan.FromSeconds(10)))?.BodyCase);
        Assert.Single((await bob.RequestAsync(Users.Sync(conversation.ConversationId))).Messages.Messages);

        var expected = new Dictionary<string, double>
        {
            ["xchat_messages_appended_total"] = 1,
            ["xchat_append_call_sends_count"] = 1,
            ["xchat_push_deliveries_total"] = 1,
            ["xchat_push_latency_seconds_count"] = 1,
            ["xchat_sync_requests_total"] = 1,
            ["xchat_logins_total"] = 2,
            ["xchat_login_failures_total"] = 1,
            ["xchat_rate_limited_requests_total"] = 1,
            ["xchat_websocket_connections"] = 2,
            ["xchat_storage_batch_rows_count"] = 1,
            ["xchat_storage_commit_duration_seconds_count"] = 1,
        };
        using var http = new HttpClient();
        var metricsUri = HttpUri(server, "/metrics");
        var scrape = await PrometheusText.ScrapeAsync(http, metricsUri);
        var deadline = DateTime.UtcNow + ScrapeDeadline;
        // The exporter caches a scrape briefly and observable gauges are read at scrape time: poll.
        while (expected.Any(e => !(scrape[e.Key] >= e.Value)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
            scrape = await PrometheusText.ScrapeAsync(http, metricsUri);
        }

        foreach (var (name, least) in expected)
        {
            Assert.True(scrape[name] >= least, $"{name} must be at least {least} after the traffic; it is {scrape[name]?.ToString() ?? "missing"}.");
        }

        Assert.Contains(scrape.Names, n => n.StartsWith("xchat_storage_commit_duration_seconds_bucket", StringComparison.Ordinal));
        Assert.Contains(scrape.Names, n => n.StartsWith("orleans_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AliveAndHealth_RunningServer_200WithHealthyJson()
    {
        await using var server = await StandaloneServer.StartAsync();
        using var http = new HttpClient();

        var (aliveStatus, alive) = await GetJsonAsync(http, HttpUri(server, "/alive"));
        var (healthStatus, health) = await GetJsonAsync(http, HttpUri(server, "/health"));

        Assert.Equal(HttpStatusCode.OK, aliveStatus);
        Assert.Equal("Healthy", alive.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, healthStatus);
        Assert.Equal("Healthy", health.GetProperty("status").GetString());
        var checks = health.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("status").GetString());
        Assert.Equal("Healthy", checks["silo"]);
        Assert.Equal("Healthy", checks["storage"]);
    }

    [Fact]
    public async Task Health_DatabaseFileGone_503UnhealthyWhileAliveStays200_AndRecovers()
    {
        await using var server = await StandaloneServer.StartAsync();
        using var http = new HttpClient();
        var moved = server.DataDir + "-moved";

        Directory.Move(server.DataDir, moved);
        try
        {
            var (healthStatus, health) = await GetJsonAsync(http, HttpUri(server, "/health"));
            var (aliveStatus, _) = await GetJsonAsync(http, HttpUri(server, "/alive"));

            Assert.Equal(HttpStatusCode.ServiceUnavailable, healthStatus);
            Assert.Equal("Unhealthy", health.GetProperty("status").GetString());
            Assert.Contains(health.GetProperty("checks").EnumerateArray(),
                c => c.GetProperty("name").GetString() == "storage" && c.GetProperty("status").GetString() == "Unhealthy");
            Assert.Equal(HttpStatusCode.OK, aliveStatus);
        }
        finally
        {
            Directory.Move(moved, server.DataDir);
        }

        var (recovered, _) = await GetJsonAsync(http, HttpUri(server, "/health"));
        Assert.Equal(HttpStatusCode.OK, recovered);
    }

    private static Uri HttpUri(StandaloneServer server, string path) => new($"http://127.0.0.1:{server.HttpPort}{path}");

    private static async Task<(HttpStatusCode Status, JsonElement Body)> GetJsonAsync(HttpClient http, Uri uri)
    {
        using var response = await http.GetAsync(uri);
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString());
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, document.RootElement.Clone());
    }
}
