using System.Net.WebSockets;
using XChat.Client.Tests.Transport.Fakes;
using XChat.Client.Transport;
using XChat.Protocol;

namespace XChat.Client.Tests.Transport;

/// <summary>The connection against a scripted gateway on real Kestrel: reconnect, resume, retries, delivery.</summary>
public sealed class XChatConnectionTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    private FakeGateway _gateway = null!;

    public async Task InitializeAsync() => _gateway = await FakeGateway.StartAsync();

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task ConnectAsync_RegisteredIdentity_LogsInAgainAfterDrop()
    {
        await using var alice = await RegisteredAsync("alice");

        _gateway.AbortAll();

        await Until(() => alice.SessionCount == 2 && alice.State == ConnectionState.Connected, "the connection reconnects after a drop");
        Assert.Equal(1, _gateway.State.Logins);
        Assert.NotNull(await alice.PingAsync());
    }

    [Fact]
    public async Task RegisterAsync_HandleTaken_ThrowsAndNextRegisterGetsFreshChallenge()
    {
        await using var first = await RegisteredAsync("alice");
        await using var second = await XChatConnection.ConnectAsync(_gateway.Uri, DeviceIdentity.Create(), FastOptions());

        var error = await Assert.ThrowsAsync<XChatServerException>(() => second.RegisterAsync("alice"));
        var result = await second.RegisterAsync("bob");

        Assert.Equal(ErrorCode.HandleTaken, error.Code);
        Assert.Equal(1u, result.DeviceId);
    }

    [Fact]
    public async Task Messages_DirectConversation_PartnerReceivesEachOnceInOrder()
    {
        await using var alice = await RegisteredAsync("alice");
        await using var bob = await RegisteredAsync("bob");
        var conversation = await alice.CreateDirectAsync(bob.UserId!);

        for (var i = 0; i < 30; i++)
        {
            await alice.SendAsync(conversation.ConversationId, new byte[] { (byte)i });
        }

        var received = await TakeAsync(bob, 30);
        Assert.Equal(Enumerable.Range(1, 30).Select(i => (ulong)i), received.Select(e => e.Seq));
        await Until(() => _gateway.State.Cursor(bob.UserId!, 1, conversation.ConversationId) >= 29, "bob's reads are acknowledged");
    }

    [Fact]
    public async Task Messages_PushesLostWhileDisconnected_ResumeDeliversThemOnce()
    {
        await using var alice = await RegisteredAsync("alice");
        await using var bob = await RegisteredAsync("bob");
        var conversation = await alice.CreateDirectAsync(bob.UserId!);
        await alice.SendAsync(conversation.ConversationId, new byte[] { 1 });
        Assert.Equal(1UL, Assert.Single(await TakeAsync(bob, 1)).Seq);

        _gateway.State.PushesEnabled = false;
        for (var i = 0; i < 120; i++)
        {
            await alice.SendAsync(conversation.ConversationId, new byte[] { 2 });
        }

        _gateway.State.PushesEnabled = true;
        await _gateway.CloseAllAsync(WebSocketCloseStatus.EndpointUnavailable);
        await Until(() => bob.SessionCount == 2, "bob reconnects after 1001");
        await alice.SendAsync(conversation.ConversationId, new byte[] { 3 });

        var received = await TakeAsync(bob, 121);
        Assert.Equal(Enumerable.Range(2, 121).Select(i => (ulong)i), received.Select(e => e.Seq));
    }

    [Fact]
    public async Task Messages_GapInPushes_SyncsTheMissingMessages()
    {
        await using var alice = await RegisteredAsync("alice");
        await using var bob = await RegisteredAsync("bob");
        var conversation = await alice.CreateDirectAsync(bob.UserId!);
        await alice.SendAsync(conversation.ConversationId, new byte[] { 1 });
        await TakeAsync(bob, 1);

        _gateway.State.PushesEnabled = false;
        await alice.SendAsync(conversation.ConversationId, new byte[] { 2 });
        await alice.SendAsync(conversation.ConversationId, new byte[] { 3 });
        _gateway.State.PushesEnabled = true;
        await alice.SendAsync(conversation.ConversationId, new byte[] { 4 });

        var received = await TakeAsync(bob, 3);
        Assert.Equal([2UL, 3UL, 4UL], received.Select(e => e.Seq));
        Assert.Equal(1, bob.SessionCount);
    }

    [Fact]
    public async Task SendAsync_ConcurrentSendersWithWindow_EveryPartnerGetsAllInOrder()
    {
        const int pairs = 8, messages = 100, window = 10;
        var connections = new List<XChatConnection>();
        try
        {
            var work = new List<Task<List<Envelope>>>();
            for (var p = 0; p < pairs; p++)
            {
                var sender = await RegisteredAsync($"s{p}x");
                var receiver = await RegisteredAsync($"r{p}x");
                connections.AddRange([sender, receiver]);
                var conversation = await sender.CreateDirectAsync(receiver.UserId!);
                work.Add(TakeAsync(receiver, messages));
                _ = SendWindowedAsync(sender, conversation.ConversationId, messages, window);
            }

            foreach (var received in await Task.WhenAll(work))
            {
                Assert.Equal(Enumerable.Range(1, messages).Select(i => (ulong)i), received.Select(e => e.Seq));
            }
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task SendAsync_AnswerLostWithSocket_RetriesSameIdAndGetsOneSeq()
    {
        await using var alice = await RegisteredAsync("alice");
        await using var bob = await RegisteredAsync("bob");
        var conversation = await alice.CreateDirectAsync(bob.UserId!);
        _gateway.State.LoseNextSendAnswers = 1;

        var result = await alice.SendAsync(conversation.ConversationId, new byte[] { 7 });

        Assert.Equal(1UL, result.Seq);
        Assert.True(result.Duplicate, "the retry must reuse the client message id so the server recognises it");
        Assert.Equal(1, _gateway.State.MessageCount(conversation.ConversationId));
        Assert.Equal(2, alice.SessionCount);
    }

    [Fact]
    public async Task SendAsync_RateLimitedThenUnavailable_RetriesUntilStored()
    {
        await using var alice = await RegisteredAsync("alice");
        await using var bob = await RegisteredAsync("bob");
        var conversation = await alice.CreateDirectAsync(bob.UserId!);
        _gateway.State.FailNextSends.Enqueue(new Error { Code = ErrorCode.RateLimited, RetryAfterMs = 50 });
        _gateway.State.FailNextSends.Enqueue(new Error { Code = ErrorCode.Unavailable });

        var result = await alice.SendAsync(conversation.ConversationId, new byte[] { 7 });

        Assert.Equal(1UL, result.Seq);
        Assert.Equal(3, _gateway.State.SendRequests);
    }

    [Fact]
    public async Task SendAsync_Forbidden_ThrowsServerError()
    {
        await using var alice = await RegisteredAsync("alice");
        _gateway.State.FailNextSends.Enqueue(new Error { Code = ErrorCode.Forbidden });

        var error = await Assert.ThrowsAsync<XChatServerException>(() => alice.SendAsync("d:x:y", new byte[] { 1 }));

        Assert.Equal(ErrorCode.Forbidden, error.Code);
    }

    [Fact]
    public async Task PingAsync_SocketDropsWhileWaiting_ThrowsConnectionLost()
    {
        await using var alice = await RegisteredAsync("alice");
        _gateway.State.Silent = true;

        var ping = alice.PingAsync();
        await Task.Delay(100);
        _gateway.AbortAll();

        await Assert.ThrowsAsync<ConnectionLostException>(() => ping);
        _gateway.State.Silent = false;
    }

    [Fact]
    public async Task Messages_LoginRefusedAfterReconnect_EndsWithErrorAndStopsReconnecting()
    {
        await using var alice = await RegisteredAsync("alice");
        _gateway.State.RejectLogins = true;

        _gateway.AbortAll();

        var error = await Assert.ThrowsAsync<XChatServerException>(() => TakeAsync(alice, 1));
        Assert.Equal(ErrorCode.AuthFailed, error.Code);
        Assert.Equal(ConnectionState.Closed, alice.State);
        await Assert.ThrowsAsync<ConnectionLostException>(() => alice.PingAsync());
    }

    [Fact]
    public async Task ConnectAsync_LocalCursorsSupplied_ResumesFromThem()
    {
        var aliceIdentity = DeviceIdentity.Create();
        await using (var alice = await XChatConnection.ConnectAsync(_gateway.Uri, aliceIdentity, FastOptions()))
        {
            await alice.RegisterAsync("alice");
        }

        await using var bob = await RegisteredAsync("bob");
        var conversation = await bob.CreateDirectAsync(aliceIdentity.UserId!);
        for (var i = 0; i < 5; i++)
        {
            await bob.SendAsync(conversation.ConversationId, new byte[] { 1 });
        }

        var options = FastOptions();
        options.LocalCursors = new Dictionary<string, ulong> { [conversation.ConversationId] = 3 };
        await using var again = await XChatConnection.ConnectAsync(_gateway.Uri, aliceIdentity, options);

        var received = await TakeAsync(again, 2);
        Assert.Equal([4UL, 5UL], received.Select(e => e.Seq));
    }

    [Fact]
    public async Task DisposeAsync_Connected_ClosesWithNormalClosure()
    {
        var alice = await RegisteredAsync("alice");

        await alice.DisposeAsync();

        await Until(() => _gateway.OpenSockets == 0, "the socket closes");
        Assert.Equal(WebSocketCloseStatus.NormalClosure, _gateway.State.LastClientClose);
        Assert.Equal(ConnectionState.Closed, alice.State);
    }

    private async Task<XChatConnection> RegisteredAsync(string handle)
    {
        var connection = await XChatConnection.ConnectAsync(_gateway.Uri, DeviceIdentity.Create(), FastOptions());
        await connection.RegisterAsync(handle);
        return connection;
    }

    private static XChatConnectionOptions FastOptions() => new()
    {
        ReconnectInitialDelay = TimeSpan.FromMilliseconds(20),
        ReconnectMaxDelay = TimeSpan.FromMilliseconds(200),
        RequestTimeout = TimeSpan.FromSeconds(5),
        SendDeadline = TimeSpan.FromSeconds(10),
    };

    private static async Task SendWindowedAsync(XChatConnection sender, string conversationId, int messages, int window)
    {
        using var slots = new SemaphoreSlim(window);
        var sends = new List<Task>();
        for (var i = 0; i < messages; i++)
        {
            await slots.WaitAsync();
            sends.Add(Task.Run(async () =>
            {
                try
                {
                    await sender.SendAsync(conversationId, new byte[] { 1 });
                }
                finally
                {
                    slots.Release();
                }
            }));
        }

        await Task.WhenAll(sends);
    }

    private static async Task<List<Envelope>> TakeAsync(XChatConnection connection, int count)
    {
        using var timeout = new CancellationTokenSource(Patience);
        var received = new List<Envelope>();
        await foreach (var envelope in connection.Messages.WithCancellation(timeout.Token))
        {
            received.Add(envelope);
            if (received.Count == count)
            {
                break;
            }
        }

        return received;
    }

    private static async Task Until(Func<bool> condition, string rule)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, rule);
            await Task.Delay(10);
        }
    }
}
