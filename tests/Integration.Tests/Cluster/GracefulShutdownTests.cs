using System.Diagnostics;
using System.Net.WebSockets;
using Xunit.Abstractions;
using XChat.Client.Transport;
using XChat.Integration.Tests.Support;
using XChat.TestSupport;

namespace XChat.Integration.Tests.Cluster;

/// <summary>
/// SIGTERM, as an orchestrator stops a pod, while messages flow through a cluster of two silos and
/// two gateways: first on the gateway the clients use (they are told 1001 and move to the other
/// one through a front that no longer routes to the leaving gateway), then on a silo.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class GracefulShutdownTests(ITestOutputHelper output)
{
    private const int Conversations = 2;
    private const int Senders = 4;            // sends in flight at any time
    private const int AcksBeforeEachStop = 30;
    private const int AcksAfterEachStop = 20; // sends started after the SIGTERM and acknowledged
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan PhaseTimeout = TimeSpan.FromSeconds(30);

    private sealed record Ack(string ConversationId, ulong Seq, string Id, long StartedMs);

    [Fact]
    public async Task Terminate_GatewayThenSilo_ClientsMoveOnAndNoAcknowledgedMessageIsLostOrDuplicated()
    {
        await using var cluster = await XChatCluster.StartAsync(await TestEnvironment.CreatePostgresDatabaseAsync("xchat_shutdown"), siloCount: 2, gatewayCount: 2);
        var (gatewayA, uriA) = cluster.Gateways[0];
        var (_, uriB) = cluster.Gateways[1];
        await using var front = new LoopbackFront(uriA.Port);
        await using var alice = await ChatUser.RegisterAsync(front.WebSocketUri, "alice");
        await using var bob = await ChatUser.RegisterAsync(front.WebSocketUri, "bob");
        // A raw connection straight to gateway A shows the close code the clients were given.
        await using var watcher = await RawClient.ConnectAsync(uriA);
        await watcher.RegisterAsync(DeviceIdentity.Create(), ChatUser.NewHandle("watch"));
        var groups = new List<string>();
        for (var k = 0; k < Conversations; k++)
        {
            groups.Add((await alice.Connection.CreateGroupAsync([bob.UserId])).ConversationId);
        }

        await using var received = new DeliveryRecorder(bob.Connection);
        var acks = new List<Ack>();
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();
        var next = -1;

        async Task SendLoopAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                var i = Interlocked.Increment(ref next);
                var conversationId = groups[i % Conversations];
                var started = clock.ElapsedMilliseconds;
                var result = await alice.SendAsync(conversationId, $"m{i}");
                lock (acks)
                {
                    acks.Add(new Ack(conversationId, result.Seq, $"m{i}", started));
                }

                await Task.Delay(20);
            }
        }

        int AcksStartedAfter(long ms)
        {
            lock (acks)
            {
                return acks.Count(a => a.StartedMs >= ms);
            }
        }

        var senders = Enumerable.Range(0, Senders).Select(_ => Task.Run(SendLoopAsync)).ToArray();
        await WaitOrFailAsync(() => AcksStartedAfter(0) >= AcksBeforeEachStop, senders, "sends before the gateway stops", cluster);

        // 1. Gateway A: the front routes new connections to B only, then A gets SIGTERM.
        front.TargetPort = uriB.Port;
        var gatewayStoppedMs = clock.ElapsedMilliseconds;
        Assert.True(await gatewayA.TerminateAsync(ExitTimeout), $"Gateway A exits within {ExitTimeout} of SIGTERM.{Environment.NewLine}{cluster.Diagnostics()}");
        Assert.True(gatewayA.ExitCode == 0, $"A gateway stopped by SIGTERM exits 0, not {gatewayA.ExitCode}.{Environment.NewLine}{gatewayA.OutputTail()}");
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, await watcher.WaitForCloseAsync(TimeSpan.FromSeconds(5)));
        output.WriteLine($"gateway A exited {clock.ElapsedMilliseconds - gatewayStoppedMs} ms after SIGTERM");
        await WaitOrFailAsync(() => AcksStartedAfter(gatewayStoppedMs) >= AcksAfterEachStop, senders, "sends after the gateway stopped", cluster);
        Assert.True(alice.Connection.SessionCount >= 2 && bob.Connection.SessionCount >= 2, "Both clients reconnected (through the front, to gateway B).");

        // 2. The silo hosting most of the conversations gets SIGTERM; the other one carries on.
        await using var inspector = await ClusterInspector.ConnectAsync(XChatCluster.ServiceId, cluster.ClusterId);
        var placement = await inspector.SiloPortsOfAsync(groups);
        var (silo, siloPort) = cluster.Silos.OrderByDescending(s => placement.Values.Count(port => port == s.SiloPort)).First();
        var siloStoppedMs = clock.ElapsedMilliseconds;
        Assert.True(await silo.TerminateAsync(ExitTimeout), $"The silo exits within {ExitTimeout} of SIGTERM.{Environment.NewLine}{cluster.Diagnostics()}");
        Assert.True(silo.ExitCode == 0, $"A silo stopped by SIGTERM exits 0, not {silo.ExitCode}.{Environment.NewLine}{silo.OutputTail()}");
        output.WriteLine($"{silo.Name} (silo port {siloPort}, hosting {placement.Values.Count(p => p == siloPort)} of {Conversations} conversations) exited {clock.ElapsedMilliseconds - siloStoppedMs} ms after SIGTERM");
        Assert.DoesNotContain(siloPort, await inspector.ActiveSiloPortsAsync());
        await WaitOrFailAsync(() => AcksStartedAfter(siloStoppedMs) >= AcksAfterEachStop, senders, "sends after the silo stopped", cluster);

        await stop.CancelAsync();
        await Task.WhenAll(senders); // a send that gave up (SendDeadline) fails the test here
        var all = acks.ToArray();
        output.WriteLine($"{all.Length} messages acknowledged; {AcksStartedAfter(gatewayStoppedMs)} started after the gateway's SIGTERM, {AcksStartedAfter(siloStoppedMs)} after the silo's");

        foreach (var conversationId in groups)
        {
            var acked = all.Where(a => a.ConversationId == conversationId).OrderBy(a => a.Seq).ToArray();
            // Acknowledged seqs are exactly 1..n: none twice, none skipped.
            Assert.Equal(Enumerable.Range(1, acked.Length).Select(s => (ulong)s), acked.Select(a => a.Seq));
            Assert.True(await received.WaitForAsync(conversationId, acked.Length, PhaseTimeout),
                $"The receiver got {received.DeliveredIn(conversationId).Count} of {acked.Length} messages of {conversationId}.");
        }

        await Task.Delay(500); // a duplicate would show up now
        Assert.Null(received.Error);
        foreach (var conversationId in groups)
        {
            var acked = all.Where(a => a.ConversationId == conversationId).OrderBy(a => a.Seq).ToArray();
            var delivered = received.DeliveredIn(conversationId);
            Assert.Equal(acked.Select(a => (a.Seq, a.Id)), delivered.Select(e => (e.Seq, e.ClientMessageId)));
        }
    }

    /// <summary>Waits for a condition while the senders run; a sender that failed fails the test with its error.</summary>
    private static async Task WaitOrFailAsync(Func<bool> condition, Task[] senders, string what, XChatCluster cluster)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (senders.FirstOrDefault(s => s.IsFaulted) is { } failed)
            {
                await failed;
            }

            Assert.True(clock.Elapsed < PhaseTimeout, $"Timed out waiting for {what}.{Environment.NewLine}{cluster.Diagnostics()}");
            await Task.Delay(50);
        }
    }
}
