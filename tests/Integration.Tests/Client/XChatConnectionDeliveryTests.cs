using XChat.Client.Transport;
using XChat.Integration.Tests.Support;
using XChat.TestSupport;

namespace XChat.Integration.Tests.Client;

/// <summary>
/// <see cref="XChatConnection.Messages"/> against the real server: each message once and in seq
/// order, across lost pushes, drops and restarts of the client. Faults come from a <see cref="FaultyProxy"/>.
/// </summary>
[Collection(ClientServerCollection.Name)]
public sealed class XChatConnectionDeliveryTests(ClientServerFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    // After the expected messages arrived, how long a repeat gets to show up.
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(300);
    private readonly StandaloneServer _server = fixture.Server;

    [Fact]
    public async Task Messages_DirectConversation_PartnerReceivesEachOnceInOrder()
    {
        const int messages = 30;
        await using var alice = await ChatUser.RegisterAsync(_server.WebSocketUri, "alice");
        await using var bob = await ChatUser.RegisterAsync(_server.WebSocketUri, "bob");
        var conversationId = (await alice.Connection.CreateDirectAsync(bob.UserId)).ConversationId;
        await using var received = new DeliveryRecorder(bob.Connection);

        for (var i = 0; i < messages; i++)
        {
            await alice.SendAsync(conversationId, $"m{i}");
        }

        await AssertDeliveredExactlyAsync(received, conversationId, messages);
        Assert.Equal(Enumerable.Range(0, messages).Select(i => $"m{i}"), received.DeliveredIn(conversationId).Select(e => e.ClientMessageId));
        // Taken messages are acknowledged: the server-side cursor of bob's device follows.
        ulong cursor = 0;
        for (var deadline = DateTime.UtcNow + Patience; cursor < messages && DateTime.UtcNow < deadline; await Task.Delay(50))
        {
            cursor = (await bob.Connection.ListConversationsAsync()).Single(c => c.ConversationId == conversationId).Cursor;
        }

        Assert.True(cursor == messages, $"Bob's reads are acknowledged up to {messages}; the server cursor is {cursor}.");
    }

    [Fact]
    public async Task Messages_PushesLostWhileDisconnected_ResumeDeliversThemOnce()
    {
        const int whileAway = 60;
        await using var proxy = await FaultyProxy.StartAsync(_server.WebSocketUri);
        var options = ChatUser.TestOptions();
        options.SyncPageSize = 16; // resuming takes several pages
        await using var bob = await ChatUser.RegisterAsync(proxy.WebSocketUri, "bob", options);
        await using var alice = await ChatUser.RegisterAsync(_server.WebSocketUri, "alice");
        var conversationId = (await alice.Connection.CreateDirectAsync(bob.UserId)).ConversationId;
        await using var received = new DeliveryRecorder(bob.Connection);
        await alice.SendAsync(conversationId, "before");
        Assert.True(await received.WaitForAsync(conversationId, 1, Patience), "The first message is pushed.");

        proxy.RefuseConnections = true;
        proxy.DropAll();
        await Task.WhenAll(Enumerable.Range(0, whileAway).Select(i => alice.SendAsync(conversationId, $"away{i}")));
        Assert.Equal(1, bob.Connection.SessionCount);
        proxy.RefuseConnections = false;
        await Wait.UntilAsync(() => bob.Connection.SessionCount == 2, Patience);
        await alice.SendAsync(conversationId, "after");

        await AssertDeliveredExactlyAsync(received, conversationId, whileAway + 2);
        Assert.Equal("after", received.DeliveredIn(conversationId)[^1].ClientMessageId);
    }

    [Fact]
    public async Task Messages_GapInPushes_SyncsTheMissingMessages()
    {
        await using var proxy = await FaultyProxy.StartAsync(_server.WebSocketUri);
        await using var bob = await ChatUser.RegisterAsync(proxy.WebSocketUri, "bob");
        await using var alice = await ChatUser.RegisterAsync(_server.WebSocketUri, "alice");
        var conversationId = (await alice.Connection.CreateDirectAsync(bob.UserId)).ConversationId;
        await using var received = new DeliveryRecorder(bob.Connection);
        await alice.SendAsync(conversationId, "m1");
        Assert.True(await received.WaitForAsync(conversationId, 1, Patience), "The first message is pushed.");

        proxy.DropNextPushes(2);
        await alice.SendAsync(conversationId, "m2");
        await alice.SendAsync(conversationId, "m3");
        await alice.SendAsync(conversationId, "m4");

        await AssertDeliveredExactlyAsync(received, conversationId, 4);
        Assert.Equal(0, proxy.PushesToDrop);
        Assert.Equal(1, bob.Connection.SessionCount);
    }

    [Fact]
    public async Task SendAsync_ConcurrentSendersWithWindow_EveryPartnerGetsAllInOrder()
    {
        const int pairs = 4, messages = 50, window = 8;
        var users = new List<ChatUser>();
        var recorders = new List<DeliveryRecorder>();
        try
        {
            var conversations = new List<string>();
            var sending = new List<Task>();
            for (var p = 0; p < pairs; p++)
            {
                var sender = await ChatUser.RegisterAsync(_server.WebSocketUri, $"s{p}");
                var receiver = await ChatUser.RegisterAsync(_server.WebSocketUri, $"r{p}");
                users.AddRange([sender, receiver]);
                var conversationId = (await sender.Connection.CreateDirectAsync(receiver.UserId)).ConversationId;
                conversations.Add(conversationId);
                recorders.Add(new DeliveryRecorder(receiver.Connection));
                sending.Add(SendWindowedAsync(sender, conversationId, messages, window));
            }

            await Task.WhenAll(sending);
            for (var p = 0; p < pairs; p++)
            {
                await AssertDeliveredExactlyAsync(recorders[p], conversations[p], messages);
            }
        }
        finally
        {
            foreach (var recorder in recorders)
            {
                await recorder.DisposeAsync();
            }

            foreach (var user in users)
            {
                await user.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task ConnectAsync_LocalCursorsSupplied_ResumesFromThem()
    {
        DeviceIdentity aliceIdentity;
        await using (var alice = await ChatUser.RegisterAsync(_server.WebSocketUri, "alice"))
        {
            aliceIdentity = alice.Identity;
        }

        await using var bob = await ChatUser.RegisterAsync(_server.WebSocketUri, "bob");
        var conversationId = (await bob.Connection.CreateDirectAsync(aliceIdentity.UserId!)).ConversationId;
        for (var i = 1; i <= 5; i++)
        {
            await bob.SendAsync(conversationId, $"m{i}");
        }

        var options = ChatUser.TestOptions();
        options.LocalCursors = new Dictionary<string, ulong> { [conversationId] = 3 };
        await using var again = await ChatUser.ConnectAsync(_server.WebSocketUri, aliceIdentity, options);
        await using var received = new DeliveryRecorder(again.Connection);

        Assert.True(await received.WaitForAsync(conversationId, 2, Patience), "The messages after the local cursor are delivered.");
        await Task.Delay(Settle);
        Assert.Equal([4UL, 5UL], received.DeliveredIn(conversationId).Select(e => e.Seq));
    }

    /// <summary>Waits for seqs 1..count, gives repeats time to show, then asserts each came once, in order.</summary>
    private static async Task AssertDeliveredExactlyAsync(DeliveryRecorder received, string conversationId, int count)
    {
        Assert.True(await received.WaitForAsync(conversationId, count, Patience),
            $"Every message is delivered; got {received.DeliveredIn(conversationId).Count} of {count}.");
        await Task.Delay(Settle);
        Assert.Null(received.Error);
        Assert.Equal(Enumerable.Range(1, count).Select(s => (ulong)s), received.DeliveredIn(conversationId).Select(e => e.Seq));
    }

    /// <summary>Sends with at most <paramref name="window"/> sends unconfirmed at a time.</summary>
    private static async Task SendWindowedAsync(ChatUser sender, string conversationId, int messages, int window)
    {
        using var slots = new SemaphoreSlim(window);
        var sends = new List<Task>();
        for (var i = 0; i < messages; i++)
        {
            await slots.WaitAsync();
            var id = $"w{i}";
            sends.Add(Task.Run(async () =>
            {
                try
                {
                    await sender.SendAsync(conversationId, id);
                }
                finally
                {
                    slots.Release();
                }
            }));
        }

        await Task.WhenAll(sends);
    }
}
