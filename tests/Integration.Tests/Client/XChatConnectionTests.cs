using Microsoft.Extensions.DependencyInjection;
using XChat.Client.Transport;
using XChat.Gateway.Connections;
using XChat.Grains.Conversations;
using XChat.Integration.Tests.Support;
using XChat.Protocol;
using XChat.TestSupport;

namespace XChat.Integration.Tests.Client;

/// <summary>
/// The client connection's life against the real server: reconnect after a drop, fresh
/// challenges, send retries, errors, refusal and close. Faults come from a <see cref="FaultyProxy"/>.
/// </summary>
[Collection(ClientServerCollection.Name)]
public sealed class XChatConnectionTests(ClientServerFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly StandaloneServer _server = fixture.Server;

    [Fact]
    public async Task ConnectAsync_RegisteredIdentity_LogsInAgainAfterDrop()
    {
        await using var proxy = await FaultyProxy.StartAsync(_server.WebSocketUri);
        await using var alice = await ChatUser.RegisterAsync(proxy.WebSocketUri, "alice");

        proxy.DropAll();

        await Wait.UntilAsync(() => alice.Connection.SessionCount == 2 && alice.Connection.State == ConnectionState.Connected, Patience);
        Assert.True(alice.Connection.SessionCount == 2, "The connection reconnects after a drop.");
        Assert.NotNull(await alice.Connection.PingAsync());
        Assert.Equal(2, proxy.AcceptedConnections);
        // The second socket is logged in as the same device, and the server let go of the first.
        var connections = ServerConnectionsOf(alice);
        await Wait.UntilAsync(() => connections().Length == 1, Patience);
        Assert.Single(connections());
    }

    [Fact]
    public async Task RegisterAsync_HandleTaken_ThrowsAndNextRegisterGetsFreshChallenge()
    {
        var handle = ChatUser.NewHandle("taken");
        await using var first = await XChatConnection.ConnectAsync(_server.WebSocketUri, DeviceIdentity.Create(), ChatUser.TestOptions());
        await first.RegisterAsync(handle);
        await using var second = await XChatConnection.ConnectAsync(_server.WebSocketUri, DeviceIdentity.Create(), ChatUser.TestOptions());

        var error = await Assert.ThrowsAsync<XChatServerException>(() => second.RegisterAsync(handle));
        var result = await second.RegisterAsync(ChatUser.NewHandle("other"));

        Assert.Equal(ErrorCode.HandleTaken, error.Code);
        Assert.Equal(1u, result.DeviceId);
        // The client counts a challenge as spent once it signed it, so the retry runs on a new socket.
        Assert.Equal(2, second.SessionCount);
    }

    [Fact]
    public async Task SendAsync_AnswerLostWithSocket_RetriesSameIdAndGetsOneSeq()
    {
        await using var proxy = await FaultyProxy.StartAsync(_server.WebSocketUri);
        await using var alice = await ChatUser.RegisterAsync(proxy.WebSocketUri, "alice");
        await using var bob = await ChatUser.RegisterAsync(_server.WebSocketUri, "bob");
        var conversationId = (await alice.Connection.CreateDirectAsync(bob.UserId)).ConversationId;
        proxy.LoseNextAnswer(ClientFrame.BodyOneofCase.Send);

        var result = await alice.SendAsync(conversationId, "only-once");

        Assert.Equal(1UL, result.Seq);
        Assert.True(result.Duplicate, "The retry reuses the client message id, so the server recognises it.");
        Assert.Equal(2, alice.Connection.SessionCount);
        var stored = Assert.Single(await bob.SyncAllAsync(conversationId));
        Assert.Equal("only-once", stored.ClientMessageId);
    }

    [Fact]
    public async Task SendAsync_RateLimited_RetriesUntilEachStoredOnce()
    {
        const int messages = 6;
        await using var server = await StandaloneServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["XChat:Gateway:SendsPerSecond"] = "2",
            ["XChat:Gateway:SendBurst"] = "2",
        });
        await using var proxy = await FaultyProxy.StartAsync(server.WebSocketUri);
        await using var alice = await ChatUser.RegisterAsync(proxy.WebSocketUri, "alice");
        await using var bob = await ChatUser.RegisterAsync(server.WebSocketUri, "bob");
        var conversationId = (await alice.Connection.CreateDirectAsync(bob.UserId)).ConversationId;

        var results = await Task.WhenAll(Enumerable.Range(0, messages).Select(i => alice.SendAsync(conversationId, $"m{i}")));

        Assert.True(proxy.ErrorsSeen(ErrorCode.RateLimited) > 0, "Sending faster than the limit is answered with RATE_LIMITED.");
        Assert.Equal(Seqs(1, messages), results.Select(r => r.Seq).Order());
        Assert.All(results, r => Assert.False(r.Duplicate));
        var stored = await bob.SyncAllAsync(conversationId);
        Assert.Equal(Seqs(1, messages), stored.Select(m => m.Seq));
        Assert.Equal(Enumerable.Range(0, messages).Select(i => $"m{i}"), stored.Select(m => m.ClientMessageId).Order());
    }

    [Fact]
    public async Task SendAsync_NotAMember_ThrowsForbidden()
    {
        await using var alice = await ChatUser.RegisterAsync(_server.WebSocketUri, "alice");
        await using var bob = await ChatUser.RegisterAsync(_server.WebSocketUri, "bob");
        await using var mallory = await ChatUser.RegisterAsync(_server.WebSocketUri, "mallory");
        var conversationId = (await alice.Connection.CreateDirectAsync(bob.UserId)).ConversationId;

        var error = await Assert.ThrowsAsync<XChatServerException>(() => mallory.SendAsync(conversationId, "intruder"));

        Assert.Equal(ErrorCode.Forbidden, error.Code);
        Assert.Empty(await alice.SyncAllAsync(conversationId));
    }

    [Fact]
    public async Task PingAsync_SocketDropsWhileWaiting_ThrowsConnectionLost()
    {
        await using var proxy = await FaultyProxy.StartAsync(_server.WebSocketUri);
        await using var alice = await ChatUser.RegisterAsync(proxy.WebSocketUri, "alice");
        proxy.LoseNextAnswer(ClientFrame.BodyOneofCase.Ping);

        await Assert.ThrowsAsync<ConnectionLostException>(() => alice.Connection.PingAsync());

        await Wait.UntilAsync(() => alice.Connection.State == ConnectionState.Connected && alice.Connection.SessionCount == 2, Patience);
        Assert.NotNull(await alice.Connection.PingAsync());
    }

    [Fact]
    public async Task Messages_LoginRefusedAfterReconnect_EndsWithErrorAndStopsReconnecting()
    {
        var first = await StandaloneServer.StartAsync();
        StandaloneServer? second = null;
        try
        {
            await using var proxy = await FaultyProxy.StartAsync(first.WebSocketUri);
            await using var alice = await ChatUser.RegisterAsync(proxy.WebSocketUri, "alice");

            // A new server with empty data on the same address: the device the client knows is gone.
            var port = first.HttpPort;
            await first.StopAsync(deleteData: true);
            second = await StandaloneServer.StartAsync(httpPort: port);

            using var timeout = new CancellationTokenSource(Patience);
            var error = await Assert.ThrowsAsync<XChatServerException>(async () =>
            {
                await foreach (var _ in alice.Connection.Messages.WithCancellation(timeout.Token))
                {
                }
            });
            Assert.Equal(ErrorCode.AuthFailed, error.Code);
            Assert.Equal(ConnectionState.Closed, alice.Connection.State);
            await Assert.ThrowsAsync<ConnectionLostException>(() => alice.Connection.PingAsync());
            var attempts = proxy.AcceptedConnections;
            await Task.Delay(TimeSpan.FromSeconds(1)); // the longest reconnect delay is 0.5 s
            Assert.True(attempts == proxy.AcceptedConnections, "A refused login is final: no further reconnects.");
        }
        finally
        {
            await first.StopAsync(deleteData: true);
            if (second is not null)
            {
                await second.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task DisposeAsync_Connected_ClosesWithNormalClosure()
    {
        await using var proxy = await FaultyProxy.StartAsync(_server.WebSocketUri);
        var alice = await ChatUser.RegisterAsync(proxy.WebSocketUri, "alice");
        var connections = ServerConnectionsOf(alice);
        Assert.Single(connections());

        await alice.DisposeAsync();

        await Wait.UntilAsync(() => proxy.OpenConnections == 0 && connections().Length == 0, Patience);
        Assert.Equal(0, proxy.OpenConnections);
        Assert.Empty(connections());
        Assert.Equal(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, proxy.LastClientCloseStatus);
        Assert.Equal(ConnectionState.Closed, alice.Connection.State);
    }

    /// <summary>The server's own view: the gateway connections logged in as the user's device.</summary>
    private Func<GatewayConnection[]> ServerConnectionsOf(ChatUser user)
    {
        var registry = _server.Services.GetRequiredService<ConnectionRegistry>();
        var device = new DeviceAddress(user.UserId, user.Identity.DeviceId);
        return () => registry.ConnectionsOf(device);
    }

    private static IEnumerable<ulong> Seqs(int first, int count) => Enumerable.Range(first, count).Select(s => (ulong)s);
}
