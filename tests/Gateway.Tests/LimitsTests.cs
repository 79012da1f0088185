using System.Net.WebSockets;
using Microsoft.Extensions.DependencyInjection;
using XChat.Gateway.Connections;
using XChat.Protocol;
using XChat.TestSupport;

namespace XChat.Gateway.Tests;

/// <summary>Configured limits, each on a server started with small values.</summary>
public sealed class LimitsTests
{
    [Fact]
    public async Task Send_OverRate_RateLimitedWithRetryAfterAndNothingStored()
    {
        // A burst of 3 refilled once in 10 s: five sends in a row cannot all pass, however slow the machine.
        await using var server = await StandaloneServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["XChat:Gateway:SendsPerSecond"] = "0.1",
            ["XChat:Gateway:SendBurst"] = "3",
        });
        var (alice, _) = await Users.RegisterAsync(server.WebSocketUri);
        var (bob, bobIdentity) = await Users.RegisterAsync(server.WebSocketUri);
        await using var _a = alice;
        await using var _b = bob;
        var id = (await Users.CreateDirectAsync(alice, bobIdentity.UserId!)).ConversationId;

        var answers = new List<ServerFrame>();
        for (var i = 0; i < 5; i++)
        {
            answers.Add(await alice.RequestAsync(Users.Send(id, $"r{i}", [1])));
        }

        var limited = answers.Where(a => a.BodyCase == ServerFrame.BodyOneofCase.Error).ToList();
        Assert.NotEmpty(limited);
        Assert.All(limited, a => Assert.Equal(ErrorCode.RateLimited, a.Error.Code));
        Assert.All(limited, a => Assert.InRange(a.Error.RetryAfterMs, 1u, 10_000u));
        var page = await bob.RequestAsync(Users.Sync(id));
        Assert.Equal(answers.Count - limited.Count, page.Messages.Messages.Count);
    }

    [Fact]
    public async Task GetPreKeyBundle_OverRate_RateLimitedWithRetryAfterAndNoKeyTaken()
    {
        await using var server = await StandaloneServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["XChat:Gateway:PreKeyFetchesPerSecond"] = "0.1",
            ["XChat:Gateway:PreKeyFetchBurst"] = "2",
        });
        var (alice, aliceIdentity) = await Users.RegisterAsync(server.WebSocketUri);
        var (bob, _) = await Users.RegisterAsync(server.WebSocketUri);
        var (carol, _) = await Users.RegisterAsync(server.WebSocketUri);
        await using var _a = alice;
        await using var _b = bob;
        await using var _c = carol;
        Assert.Equal(ServerFrame.BodyOneofCase.PreKeyCounts, (await alice.RequestAsync(PreKeys.Upload(PreKeys.Initial(aliceIdentity, oneTime: 5, kemOneTime: 5)))).BodyCase);

        var bobs = new List<ServerFrame>();
        for (var i = 0; i < 4; i++)
        {
            bobs.Add(await bob.RequestAsync(PreKeys.GetBundle(aliceIdentity.UserId!, 1)));
        }

        // Bob's bucket held two: the rest are refused with a wait, and take nothing from Alice.
        Assert.Equal(2, bobs.Count(a => a.BodyCase == ServerFrame.BodyOneofCase.PreKeyBundle));
        var limited = bobs.Where(a => a.BodyCase == ServerFrame.BodyOneofCase.Error).ToList();
        Assert.Equal(2, limited.Count);
        Assert.All(limited, a => Assert.Equal(ErrorCode.RateLimited, a.Error.Code));
        Assert.All(limited, a => Assert.InRange(a.Error.RetryAfterMs, 1u, 10_000u));
        Assert.Equal(new PreKeyCounts { OneTimePreKeys = 3, KemOneTimePreKeys = 3 }, (await alice.RequestAsync(PreKeys.GetCounts())).PreKeyCounts);

        // The bucket is per requesting device: Carol still fetches, and gets the next keys.
        var carols = (await carol.RequestAsync(PreKeys.GetBundle(aliceIdentity.UserId!, 1))).PreKeyBundle;
        Assert.Equal(new PreKeyCounts { OneTimePreKeys = 2, KemOneTimePreKeys = 2 }, carols.Remaining);
    }

    [Fact]
    public async Task Connection_NotLoggedInInTime_Closes4000()
    {
        await using var server = await StandaloneServer.StartAsync(settings: new Dictionary<string, string?> { ["XChat:Gateway:LoginTimeout"] = "00:00:01" });
        await using var raw = await RawClient.ConnectAsync(server.WebSocketUri);
        await raw.HelloAsync();

        Assert.Equal(CloseCodes.LoginTimeout, await raw.WaitForCloseAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Connection_MessageNeverFinishes_ClosedByTimeout()
    {
        await using var server = await StandaloneServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["XChat:Gateway:IdleTimeout"] = "00:00:01",
            ["XChat:Gateway:LoginTimeout"] = "00:00:30",
        });
        var (client, _) = await Users.RegisterAsync(server.WebSocketUri);
        await using var _c = client;

        await client.SendRawAsync([0x08], endOfMessage: false); // the first byte of a frame, and nothing more

        Assert.Equal(CloseCodes.IdleTimeout, await client.WaitForCloseAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Connection_Idle_Closes4001()
    {
        await using var server = await StandaloneServer.StartAsync(settings: new Dictionary<string, string?> { ["XChat:Gateway:IdleTimeout"] = "00:00:01" });
        var (client, _) = await Users.RegisterAsync(server.WebSocketUri);
        await using var _c = client;

        Assert.Equal(CloseCodes.IdleTimeout, await client.WaitForCloseAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Login_MoreConnectionsThanAllowed_Closes4003()
    {
        await using var server = await StandaloneServer.StartAsync(settings: new Dictionary<string, string?> { ["XChat:Gateway:MaxConnectionsPerDevice"] = "1" });
        var (first, identity) = await Users.RegisterAsync(server.WebSocketUri);
        await using var _f = first;
        await using var second = await RawClient.ConnectAsync(server.WebSocketUri);

        var answer = await second.LoginAsync(identity);

        Assert.Equal(ErrorCode.LimitExceeded, answer.Error.Code);
        Assert.Equal(CloseCodes.TooManyConnections, await second.WaitForCloseAsync(TimeSpan.FromSeconds(10)));
        var stillThere = await first.RequestAsync(new ClientFrame { Ping = new PingRequest() });
        Assert.Equal(ServerFrame.BodyOneofCase.Pong, stillThere.BodyCase);
    }

    [Fact]
    public async Task Group_MoreMembersThanAllowed_LimitExceeded()
    {
        await using var server = await StandaloneServer.StartAsync(settings: new Dictionary<string, string?> { ["XChat:Limits:MaxGroupMembers"] = "3" });
        var clients = new List<RawClient>();
        var ids = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var (client, identity) = await Users.RegisterAsync(server.WebSocketUri);
            clients.Add(client);
            ids.Add(identity.UserId!);
        }

        var tooMany = await clients[0].RequestAsync(new ClientFrame
        {
            CreateConversation = new CreateConversationRequest { Kind = ConversationKind.Group, MemberUserIds = { ids[1], ids[2], ids[3] } },
        });
        var full = await clients[0].RequestAsync(new ClientFrame
        {
            CreateConversation = new CreateConversationRequest { Kind = ConversationKind.Group, MemberUserIds = { ids[1], ids[2] } },
        });
        var fourth = await clients[0].RequestAsync(new ClientFrame { AddMember = new AddMemberRequest { ConversationId = full.Conversation.ConversationId, UserId = ids[3] } });

        Assert.Equal(ErrorCode.LimitExceeded, tooMany.Error.Code);
        Assert.Equal(3, full.Conversation.MemberUserIds.Count);
        Assert.Equal(ErrorCode.LimitExceeded, fourth.Error.Code);
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task Push_RecipientNotReading_IsDisconnectedAndSenderIsNotStalled()
    {
        await using var server = await StandaloneServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["XChat:Gateway:SendQueueFrames"] = "4",
            ["XChat:Gateway:SendsPerSecond"] = "100000",
            ["XChat:Gateway:SendBurst"] = "100000",
        });
        var (sender, _) = await Users.RegisterAsync(server.WebSocketUri);
        var (sleeper, sleeperIdentity) = await Users.RegisterAsync(server.WebSocketUri);
        await using var _s = sender;
        await using var _z = sleeper;
        var id = (await Users.CreateDirectAsync(sender, sleeperIdentity.UserId!)).ConversationId;
        var registry = server.Services.GetRequiredService<ConnectionRegistry>();
        var sleeperDevice = new XChat.Grains.Conversations.DeviceAddress(sleeperIdentity.UserId!, sleeperIdentity.DeviceId);

        // The sleeper never reads: once the kernel's socket buffers are full its queue overflows.
        var payload = new byte[60 * 1024];
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        var sent = 0;
        while (registry.ConnectionsOf(sleeperDevice).Length > 0 && DateTime.UtcNow < deadline && sent < 5000)
        {
            var answer = await sender.RequestAsync(Users.Send(id, $"flood{sent}", payload), TimeSpan.FromSeconds(10));
            Assert.Equal(ServerFrame.BodyOneofCase.Send, answer.BodyCase);
            sent++;
        }

        Assert.Empty(registry.ConnectionsOf(sleeperDevice));
        var after = await sender.RequestAsync(Users.Send(id, "after", [1]), TimeSpan.FromSeconds(10));
        Assert.Equal(ServerFrame.BodyOneofCase.Send, after.BodyCase);
        Assert.Equal((ulong)sent + 1, after.Send.Seq);
    }

    [Fact]
    public async Task Server_Stopping_ClosesConnectionsWith1001()
    {
        var server = await StandaloneServer.StartAsync();
        var (client, _) = await Users.RegisterAsync(server.WebSocketUri);
        await using var _c = client;

        var stopping = server.StopAsync(deleteData: true);
        var status = await client.WaitForCloseAsync(TimeSpan.FromSeconds(15));
        await stopping;

        Assert.Equal(CloseCodes.GoingAway, status);
    }
}
