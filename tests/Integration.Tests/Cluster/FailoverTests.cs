using System.Diagnostics;
using Xunit.Abstractions;
using XChat.Integration.Tests.Support;
using XChat.TestSupport;

namespace XChat.Integration.Tests.Cluster;

/// <summary>A silo process killed (SIGKILL) while two clients exchange messages through the cluster.</summary>
[Collection(ClusterCollection.Name)]
public sealed class FailoverTests(ITestOutputHelper output)
{
    private const int Conversations = 4;   // spread over both silos, so the killed one most likely hosts some
    private const int Window = 8;          // sends in flight at any time
    private const int KillAfterAcks = 80;
    private const int MaxSends = 1500;
    private static readonly TimeSpan KeepSendingAfterRecovery = TimeSpan.FromSeconds(3);

    private sealed record Ack(string ConversationId, ulong Seq, string Id, long StartedMs, long AckedMs);

    [Fact]
    public async Task Send_SiloKilledWhileSending_NoAcknowledgedMessageLostDuplicatedOrReordered()
    {
        await using var cluster = await XChatCluster.StartAsync(await TestEnvironment.CreatePostgresDatabaseAsync("xchat_failover"));
        await using var alice = await ChatUser.RegisterAsync(cluster.WebSocketUri, "alice");
        await using var bob = await ChatUser.RegisterAsync(cluster.WebSocketUri, "bob");
        var groups = new List<string>();
        for (var k = 0; k < Conversations; k++)
        {
            groups.Add((await alice.Connection.CreateGroupAsync([bob.UserId])).ConversationId);
        }

        await using var received = new DeliveryRecorder(bob.Connection);
        var acks = new List<Ack>();
        var clock = Stopwatch.StartNew();
        var killedAtMs = long.MaxValue;
        var next = -1;
        IReadOnlyDictionary<string, int> placement;

        // A window of senders: each takes the next message number until enough time passed after the kill.
        async Task SendLoopAsync()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < MaxSends && !SentLongEnoughAfterKill())
            {
                var conversationId = groups[i % Conversations];
                var started = clock.ElapsedMilliseconds;
                var result = await alice.SendAsync(conversationId, $"m{i}");
                lock (acks)
                {
                    acks.Add(new Ack(conversationId, result.Seq, $"m{i}", started, clock.ElapsedMilliseconds));
                }

                await Task.Delay(15);
            }
        }

        // Recovered = a send that started after the kill was acknowledged; then go on a little longer,
        // past the gateway's push refresh (2 s), so pushes flow again before the senders stop.
        bool SentLongEnoughAfterKill()
        {
            var killed = Interlocked.Read(ref killedAtMs);
            if (killed == long.MaxValue)
            {
                return false;
            }

            long recovered;
            lock (acks)
            {
                recovered = acks.Where(a => a.StartedMs >= killed).Select(a => a.AckedMs).DefaultIfEmpty(long.MaxValue).Min();
            }

            return recovered != long.MaxValue && clock.ElapsedMilliseconds > recovered + (long)KeepSendingAfterRecovery.TotalMilliseconds;
        }

        var senders = Enumerable.Range(0, Window).Select(_ => Task.Run(SendLoopAsync)).ToArray();
        await Wait.UntilAsync(() => AckCount(acks) >= KillAfterAcks || senders.All(s => s.IsCompleted), TimeSpan.FromSeconds(60));
        Assert.True(AckCount(acks) >= KillAfterAcks, $"Sends before the kill were acknowledged.{Environment.NewLine}{cluster.Diagnostics()}");
        // Kill the silo hosting most of the conversation grains (ties: the first silo).
        await using (var inspector = await ClusterInspector.ConnectAsync(XChatCluster.ServiceId, cluster.ClusterId))
        {
            placement = await inspector.SiloPortsOfAsync(groups);
        }

        var victim = cluster.Silos.OrderByDescending(s => placement.Values.Count(port => port == s.SiloPort)).First().Process;
        output.WriteLine($"conversation grains on silo ports: {string.Join(", ", groups.Select(g => placement.TryGetValue(g, out var p) ? p.ToString() : "?"))}; silos: {string.Join(", ", cluster.Silos.Select(s => $"{s.Process.Name}={s.SiloPort}"))}");
        Interlocked.Exchange(ref killedAtMs, clock.ElapsedMilliseconds);
        victim.Kill();

        var sending = Task.WhenAll(senders);
        if (await Task.WhenAny(sending, Task.Delay(TimeSpan.FromSeconds(120))) != sending)
        {
            Assert.Fail($"The senders did not finish within 120 s.{Environment.NewLine}{cluster.Diagnostics()}");
        }

        await sending; // a send that gave up (SendDeadline) fails the test here
        var all = acks.ToArray();
        var perConversation = groups.ToDictionary(g => g, g => all.Where(a => a.ConversationId == g).OrderBy(a => a.Seq).ToArray());

        // 1. The acknowledged seqs of each conversation are exactly 1..n: none twice, none skipped.
        foreach (var (conversationId, acked) in perConversation)
        {
            Assert.Equal(Enumerable.Range(1, acked.Length).Select(s => (ulong)s), acked.Select(a => a.Seq));
        }

        // 2. The receiver got every acknowledged message once, in seq order, per conversation.
        foreach (var (conversationId, acked) in perConversation)
        {
            Assert.True(await received.WaitForAsync(conversationId, acked.Length, TimeSpan.FromSeconds(60)),
                $"The receiver got {received.DeliveredIn(conversationId).Count} of {acked.Length} messages of {conversationId}.");
        }

        await Task.Delay(500); // a duplicate would show up now
        Assert.Null(received.Error);
        foreach (var (conversationId, acked) in perConversation)
        {
            var delivered = received.DeliveredIn(conversationId);
            Assert.Equal(acked.Select(a => a.Seq), delivered.Select(e => e.Seq));
            Assert.Equal(acked.Select(a => a.Id), delivered.Select(e => e.ClientMessageId));
        }

        // 3. A full sync matches, and both sending and syncing carry on.
        foreach (var (conversationId, acked) in perConversation)
        {
            var synced = await bob.SyncAllAsync(conversationId);
            Assert.Equal(acked.Select(a => (a.Seq, a.Id)), synced.Select(m => (m.Seq, m.ClientMessageId)));
            Assert.All(synced, m => Assert.Equal(ChatUser.PayloadFor(m.ClientMessageId), m.SharedCiphertext.ToByteArray()));
            var reply = await bob.SendAsync(conversationId, $"reply-{conversationId}");
            Assert.Equal((ulong)acked.Length + 1, reply.Seq);
        }

        Report(all, Interlocked.Read(ref killedAtMs), victim);
    }

    private void Report(Ack[] acks, long killedAtMs, ChildProcess victim)
    {
        var afterKill = acks.Where(a => a.StartedMs >= killedAtMs).ToArray();
        var ackTimes = acks.Select(a => a.AckedMs).Order().ToArray();
        var longestAckGap = ackTimes.Zip(ackTimes.Skip(1), (a, b) => b - a).DefaultIfEmpty(0).Max();
        var slowest = acks.MaxBy(a => a.AckedMs - a.StartedMs)!;
        output.WriteLine($"killed {victim.Name} (pid {victim.Id}) after {acks.Count(a => a.AckedMs <= killedAtMs)} acks; {acks.Length} messages acknowledged in all, {afterKill.Length} started after the kill");
        output.WriteLine($"first ack of a send started after the kill: {(afterKill.Length == 0 ? "none" : $"{afterKill.Min(a => a.AckedMs) - killedAtMs} ms")} after the kill");
        output.WriteLine($"longest time without any ack: {longestAckGap} ms; slowest send: {slowest.AckedMs - slowest.StartedMs} ms (started {slowest.StartedMs - killedAtMs} ms from the kill)");
        output.WriteLine($"sends slower than 1 s: {acks.Count(a => a.AckedMs - a.StartedMs > 1000)}");
    }

    private static int AckCount(List<Ack> acks)
    {
        lock (acks)
        {
            return acks.Count;
        }
    }
}
