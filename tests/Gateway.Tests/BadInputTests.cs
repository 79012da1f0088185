using System.Net.WebSockets;
using Google.Protobuf;
using XChat.Gateway.Connections;
using XChat.Protocol;
using XChat.TestSupport;

namespace XChat.Gateway.Tests;

/// <summary>Bad input gets an error or a close code from PROTOCOL.md, stores nothing, and the server keeps serving everyone else.</summary>
[Collection(ServerCollection.Name)]
public sealed class BadInputTests(ServerFixture fixture)
{
    private Uri Server => fixture.Server.WebSocketUri;

    [Fact]
    public async Task Frame_NotProtobuf_Closes1002AndOthersKeepWorking()
    {
        var (bystander, _) = await Users.RegisterAsync(Server);
        await using var _b = bystander;
        await using var raw = await RawClient.ConnectAsync(Server);

        await raw.SendRawAsync([0xFF, 0xFF, 0xFF, 0xFF, 0x0F]);

        Assert.Equal(CloseCodes.ProtocolError, await raw.WaitForCloseAsync(TimeSpan.FromSeconds(10)));
        var pong = await bystander.RequestAsync(new ClientFrame { Ping = new PingRequest() });
        Assert.Equal(ServerFrame.BodyOneofCase.Pong, pong.BodyCase);
    }

    [Fact]
    public async Task Frame_Text_Closes1003()
    {
        await using var raw = await RawClient.ConnectAsync(Server);

        await raw.SendRawAsync("hello"u8.ToArray(), WebSocketMessageType.Text);

        Assert.Equal(CloseCodes.UnsupportedData, await raw.WaitForCloseAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Frame_OverLimitInManyFragments_Closes1009()
    {
        await using var raw = await RawClient.ConnectAsync(Server);
        var fragment = new byte[32 * 1024];

        try
        {
            // 320 KiB in 32 KiB fragments: no fragment is large, the message is (the limit is 256 KiB).
            for (var i = 0; i < 10; i++)
            {
                await raw.SendRawAsync(fragment, endOfMessage: false);
            }
        }
        catch (WebSocketException)
        {
            // The server may close before the last fragments are written.
        }

        Assert.Equal(CloseCodes.TooBig, await raw.WaitForCloseAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Frame_EmptyBody_UnknownOperation()
    {
        var (client, _) = await Users.RegisterAsync(Server);
        await using var _c = client;

        var answer = await client.RequestAsync(new ClientFrame());

        Assert.Equal(ErrorCode.UnknownOperation, answer.Error.Code);
    }

    [Fact]
    public async Task Frame_ZeroRequestId_BadRequest()
    {
        await using var raw = await RawClient.ConnectAsync(Server);

        await raw.SendRawAsync(new ClientFrame { RequestId = 0, Ping = new PingRequest() }.ToByteArray());
        var answer = await raw.ReceiveAsync();

        Assert.Equal(ErrorCode.BadRequest, answer!.Error.Code);
    }

    [Fact]
    public async Task Send_NonMember_ForbiddenAndNothingStored()
    {
        var (alice, _) = await Users.RegisterAsync(Server);
        var (bob, bobIdentity) = await Users.RegisterAsync(Server);
        var (mallory, _) = await Users.RegisterAsync(Server);
        await using var _a = alice;
        await using var _b = bob;
        await using var _m = mallory;
        var id = (await Users.CreateDirectAsync(alice, bobIdentity.UserId!)).ConversationId;

        var send = await mallory.RequestAsync(Users.Send(id, "intruder", [6, 6, 6]));
        var read = await mallory.RequestAsync(Users.Sync(id));
        var page = await bob.RequestAsync(Users.Sync(id));

        Assert.Equal(ErrorCode.Forbidden, send.Error.Code);
        Assert.Equal(ErrorCode.Forbidden, read.Error.Code);
        Assert.Empty(page.Messages.Messages);
    }

    [Theory]
    [InlineData("g_00000000000000000000000000000000", ErrorCode.NotFound)]
    [InlineData("not a conversation", ErrorCode.BadRequest)]
    [InlineData("", ErrorCode.BadRequest)]
    public async Task Send_UnknownOrMalformedConversation_Error(string conversationId, ErrorCode expected)
    {
        var (client, _) = await Users.RegisterAsync(Server);
        await using var _c = client;

        var answer = await client.RequestAsync(Users.Send(conversationId, "x", [1]));

        Assert.Equal(expected, answer.Error.Code);
    }

    [Fact]
    public async Task Send_PayloadOverLimit_PayloadTooLargeAndNothingStored()
    {
        var (alice, _) = await Users.RegisterAsync(Server);
        var (bob, bobIdentity) = await Users.RegisterAsync(Server);
        await using var _a = alice;
        await using var _b = bob;
        var id = (await Users.CreateDirectAsync(alice, bobIdentity.UserId!)).ConversationId;

        var answer = await alice.RequestAsync(Users.Send(id, "big", new byte[64 * 1024 + 1]));
        var page = await bob.RequestAsync(Users.Sync(id));

        Assert.Equal(ErrorCode.PayloadTooLarge, answer.Error.Code);
        Assert.Empty(page.Messages.Messages);
    }

    [Theory]
    [InlineData("")]
    [InlineData("an-id-that-is-much-too-long-for-the-server-because-it-exceeds-64-chars")]
    public async Task Send_BadClientMessageId_BadRequestAndNothingStored(string clientMessageId)
    {
        var (alice, _) = await Users.RegisterAsync(Server);
        var (bob, bobIdentity) = await Users.RegisterAsync(Server);
        await using var _a = alice;
        await using var _b = bob;
        var id = (await Users.CreateDirectAsync(alice, bobIdentity.UserId!)).ConversationId;

        var answer = await alice.RequestAsync(Users.Send(id, clientMessageId, [1]));
        var page = await bob.RequestAsync(Users.Sync(id));

        Assert.Equal(ErrorCode.BadRequest, answer.Error.Code);
        Assert.Empty(page.Messages.Messages);
    }

    [Fact]
    public async Task Send_NoPayload_BadRequest()
    {
        var (alice, _) = await Users.RegisterAsync(Server);
        var (bob, bobIdentity) = await Users.RegisterAsync(Server);
        await using var _a = alice;
        await using var _b = bob;
        var id = (await Users.CreateDirectAsync(alice, bobIdentity.UserId!)).ConversationId;

        var answer = await alice.RequestAsync(Users.Send(id, "empty", []));

        Assert.Equal(ErrorCode.BadRequest, answer.Error.Code);
    }

    [Fact]
    public async Task Register_MalformedHandle_BadRequestAndChallengeStillUsable()
    {
        var identity = XChat.Client.Transport.DeviceIdentity.Create();
        await using var raw = await RawClient.ConnectAsync(Server);
        var welcome = await raw.HelloAsync();

        var bad = await raw.RequestAsync(new ClientFrame { Register = RawClient.RegisterRequestFor(identity, "no spaces!", welcome.Challenge) });
        var good = await raw.RequestAsync(new ClientFrame { Register = RawClient.RegisterRequestFor(identity, Users.NewHandle("fix"), welcome.Challenge) });

        Assert.Equal(ErrorCode.BadRequest, bad.Error.Code);
        Assert.Equal(ServerFrame.BodyOneofCase.Register, good.BodyCase);
    }

    [Fact]
    public async Task CreateDirect_WithUnknownOrMalformedUser_Error()
    {
        var (client, _) = await Users.RegisterAsync(Server);
        await using var _c = client;

        var unknown = await client.RequestAsync(new ClientFrame
        {
            CreateConversation = new CreateConversationRequest { Kind = ConversationKind.Direct, MemberUserIds = { Guid.NewGuid().ToString("N") } },
        });
        var malformed = await client.RequestAsync(new ClientFrame
        {
            CreateConversation = new CreateConversationRequest { Kind = ConversationKind.Direct, MemberUserIds = { "robert'); DROP TABLE" } },
        });

        Assert.Equal(ErrorCode.NotFound, unknown.Error.Code);
        Assert.Equal(ErrorCode.BadRequest, malformed.Error.Code);
    }
}
