using XChat.Integration.Tests.Support;
using XChat.Protocol;
using XChat.TestSupport;

namespace XChat.Integration.Tests.Standalone;

/// <summary>The standalone server restarted on its data folder: nothing acknowledged is lost, and clients carry on.</summary>
public sealed class RestartTests : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("xchat-restart-").FullName;

    [Fact]
    public async Task Restart_SameDataDir_KeepsEveryAcknowledgedMessageAndContinuesAtNextSeq()
    {
        var acked = new List<(ulong Seq, string ClientMessageId, string SenderUserId)>();
        string conversationId, aliceUserId;
        XChat.Client.Transport.DeviceIdentity bobIdentity, aliceIdentity;

        await using (var server = await StandaloneServer.StartAsync(_dataDir))
        {
            await using var alice = await ChatUser.RegisterAsync(server.WebSocketUri, "alice");
            await using var bob = await ChatUser.RegisterAsync(server.WebSocketUri, "bob");
            (aliceIdentity, bobIdentity, aliceUserId) = (alice.Identity, bob.Identity, alice.UserId);
            conversationId = (await alice.Connection.CreateDirectAsync(bob.UserId)).ConversationId;

            // Turn by turn, then both at once with several sends in flight each.
            for (var i = 0; i < 10; i++)
            {
                var sender = i % 2 == 0 ? alice : bob;
                var id = $"turn-{i}";
                acked.Add(((await sender.SendAsync(conversationId, id)).Seq, id, sender.UserId));
            }

            var burst = Enumerable.Range(0, 30).Select(async i =>
            {
                var sender = i % 2 == 0 ? alice : bob;
                var id = $"burst-{i}";
                return ((await sender.SendAsync(conversationId, id)).Seq, id, sender.UserId);
            });
            acked.AddRange(await Task.WhenAll(burst));
        }

        await using var restarted = await StandaloneServer.StartAsync(_dataDir);
        await using var aliceAgain = await ChatUser.ConnectAsync(restarted.WebSocketUri, aliceIdentity);

        var synced = await aliceAgain.SyncAllAsync(conversationId);

        var expected = acked.OrderBy(a => a.Seq).ToList();
        Assert.Equal(Enumerable.Range(1, acked.Count).Select(s => (ulong)s), expected.Select(a => a.Seq));
        Assert.Equal(expected.Select(a => a.Seq), synced.Select(m => m.Seq));
        Assert.Equal(expected.Select(a => a.ClientMessageId), synced.Select(m => m.ClientMessageId));
        Assert.Equal(expected.Select(a => a.SenderUserId), synced.Select(m => m.SenderUserId));
        Assert.All(synced, m => Assert.Equal(ChatUser.PayloadFor(m.ClientMessageId), m.SharedCiphertext.ToByteArray()));

        // The old identity logs in on a plain socket too (its keys came back from the SQLite file).
        await using var bobRaw = await RawClient.ConnectAsync(restarted.WebSocketUri);
        var login = await bobRaw.LoginAsync(bobIdentity);
        Assert.True(login.BodyCase == ServerFrame.BodyOneofCase.Login, $"Login after restart must succeed, got {login.BodyCase} {login.Error}");

        var next = await aliceAgain.SendAsync(conversationId, "after-restart");
        Assert.Equal((ulong)acked.Count + 1, next.Seq);
        Assert.False(next.Duplicate);
        var retried = await aliceAgain.SendAsync(conversationId, "turn-0");
        Assert.True(retried.Duplicate, "A retry of a message sent before the restart is recognized as a duplicate.");
        Assert.Equal(acked.Single(a => a.ClientMessageId == "turn-0").Seq, retried.Seq);
        Assert.Equal(aliceUserId, aliceAgain.UserId);
    }

    [Fact]
    public async Task Messages_ServerRestartedOnSamePortWhileSenderSends_YieldsEveryMessageOnceInSeqOrder()
    {
        const int beforeStop = 20;
        const int total = 60;
        var server = await StandaloneServer.StartAsync(_dataDir);
        try
        {
            await using var alice = await ChatUser.RegisterAsync(server.WebSocketUri, "alice");
            await using var bob = await ChatUser.RegisterAsync(server.WebSocketUri, "bob");
            var conversationId = (await alice.Connection.CreateDirectAsync(bob.UserId)).ConversationId;
            await using var received = new DeliveryRecorder(bob.Connection);

            var acked = new List<(ulong Seq, string Id)>();
            for (var i = 0; i < beforeStop; i++)
            {
                acked.Add(((await alice.SendAsync(conversationId, $"m{i}")).Seq, $"m{i}"));
            }

            Assert.True(await received.WaitForAsync(conversationId, beforeStop, TimeSpan.FromSeconds(20)), "Pushes reach the receiver before the restart.");

            // The sender keeps going one message at a time; its sends wait out the restart and retry.
            var ackedLater = 0;
            var sending = Task.Run(async () =>
            {
                for (var i = beforeStop; i < total; i++)
                {
                    var result = await alice.SendAsync(conversationId, $"m{i}");
                    lock (acked)
                    {
                        acked.Add((result.Seq, $"m{i}"));
                    }

                    Interlocked.Increment(ref ackedLater);
                    await Task.Delay(20);
                }
            });
            await Wait.UntilAsync(() => Volatile.Read(ref ackedLater) >= 5 || sending.IsCompleted, TimeSpan.FromSeconds(20));

            var port = server.HttpPort;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            await server.StopAsync();
            // Open sockets must not hold the stop up: the gateway closes them with 1001 (going away).
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"A graceful stop with clients connected took {clock.Elapsed}.");
            await Task.Delay(500);
            server = await StandaloneServer.StartAsync(_dataDir, httpPort: port);
            await sending.WaitAsync(TimeSpan.FromSeconds(90));

            Assert.True(await received.WaitForAsync(conversationId, total, TimeSpan.FromSeconds(30)),
                $"Every acknowledged message reaches the receiver; got {received.DeliveredIn(conversationId).Count} of {total}.");
            await Task.Delay(300); // anything extra (a duplicate) would arrive now
            var delivered = received.DeliveredIn(conversationId);
            Assert.Null(received.Error);
            Assert.Equal(Enumerable.Range(1, total).Select(s => (ulong)s), delivered.Select(e => e.Seq));
            Assert.Equal(acked.OrderBy(a => a.Seq).Select(a => a.Id), delivered.Select(e => e.ClientMessageId));
            Assert.True(bob.Connection.SessionCount >= 2, "The receiver reconnected to the restarted server.");
            Assert.True(alice.Connection.SessionCount >= 2, "The sender reconnected to the restarted server.");
        }
        finally
        {
            await server.StopAsync();
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }
}
