using System.Net.WebSockets;
using Google.Protobuf;
using XChat.Client.Transport;
using XChat.Gateway.Connections;
using XChat.Protocol;
using XChat.TestSupport;

namespace XChat.Gateway.Tests;

[Collection(ServerCollection.Name)]
public sealed class AuthenticationTests(ServerFixture fixture)
{
    private Uri Server => fixture.Server.WebSocketUri;

    [Fact]
    public async Task Register_NewHandle_CreatesUserWithDeviceOne()
    {
        var handle = Users.NewHandle("reg");
        var (client, _) = await Users.RegisterAsync(Server, handle.ToUpperInvariant());
        await using var _c = client;

        var lookup = await client.RequestAsync(new ClientFrame { LookupUser = new LookupUserRequest { Handle = handle } });

        Assert.Equal(handle, lookup.LookupUser.Handle);
        Assert.Equal(1u, Assert.Single(lookup.LookupUser.Devices).DeviceId);
    }

    [Fact]
    public async Task Register_HandleTakenInOtherCase_AnswersHandleTakenAndKeepsTheFirstOwner()
    {
        var handle = Users.NewHandle("dup");
        var (first, firstIdentity) = await Users.RegisterAsync(Server, handle);
        await using var _f = first;
        await using var second = await RawClient.ConnectAsync(Server);
        var welcome = await second.HelloAsync();

        var answer = await second.RequestAsync(new ClientFrame { Register = RawClient.RegisterRequestFor(DeviceIdentity.Create(), handle.ToUpperInvariant(), welcome.Challenge) });

        Assert.Equal(ErrorCode.HandleTaken, answer.Error.Code);
        var lookup = await first.RequestAsync(new ClientFrame { LookupUser = new LookupUserRequest { Handle = handle } });
        Assert.Equal(firstIdentity.UserId, lookup.LookupUser.UserId);
    }

    [Fact]
    public async Task Login_RegisteredDevice_Succeeds()
    {
        var (client, identity) = await Users.RegisterAsync(Server);
        await client.DisposeAsync();
        await using var again = await RawClient.ConnectAsync(Server);

        var answer = await again.LoginAsync(identity);

        Assert.Equal(ServerFrame.BodyOneofCase.Login, answer.BodyCase);
        Assert.Equal(identity.UserId, answer.Login.UserId);
    }

    [Fact]
    public async Task Login_WrongKey_AuthFailedAndClose4005()
    {
        var (client, identity) = await Users.RegisterAsync(Server);
        await client.DisposeAsync();
        var impostor = DeviceIdentity.Create();
        impostor.SetAddress(identity.UserId!, identity.DeviceId);
        await using var attacker = await RawClient.ConnectAsync(Server);

        var answer = await attacker.LoginAsync(impostor);

        Assert.Equal(ErrorCode.AuthFailed, answer.Error.Code);
        Assert.Equal(CloseCodes.AuthenticationFailed, await attacker.WaitForCloseAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Login_SignatureReplayedOnAnotherConnection_AuthFailed()
    {
        var (client, identity) = await Users.RegisterAsync(Server);
        await client.DisposeAsync();
        await using var victim = await RawClient.ConnectAsync(Server);
        var victimWelcome = await victim.HelloAsync();
        var captured = RawClient.SignChallenge(identity, victimWelcome.Challenge);
        await using var attacker = await RawClient.ConnectAsync(Server);
        await attacker.HelloAsync();

        var answer = await attacker.RequestAsync(new ClientFrame
        {
            Login = new LoginRequest { UserId = identity.UserId, DeviceId = identity.DeviceId, ChallengeSignature = ByteString.CopyFrom(captured) },
        });

        Assert.Equal(ErrorCode.AuthFailed, answer.Error.Code);
    }

    [Fact]
    public async Task Login_SecondAttemptOnOneChallenge_AuthFailed()
    {
        var (client, identity) = await Users.RegisterAsync(Server);
        await client.DisposeAsync();
        await using var raw = await RawClient.ConnectAsync(Server);
        var welcome = await raw.HelloAsync();
        var login = new LoginRequest { UserId = identity.UserId, DeviceId = identity.DeviceId, ChallengeSignature = ByteString.CopyFrom(new byte[64]) };
        var first = await raw.RequestAsync(new ClientFrame { Login = login });
        Assert.Equal(ErrorCode.AuthFailed, first.Error.Code);

        Assert.Equal(CloseCodes.AuthenticationFailed, await raw.WaitForCloseAsync(TimeSpan.FromSeconds(10)));
        _ = welcome;
    }

    [Fact]
    public async Task Request_BeforeLogin_Unauthenticated()
    {
        await using var raw = await RawClient.ConnectAsync(Server);
        await raw.HelloAsync();

        var answer = await raw.RequestAsync(Users.Sync("d_x_y"));

        Assert.Equal(ErrorCode.Unauthenticated, answer.Error.Code);
        Assert.Equal(WebSocketState.Open, raw.State);
    }

    [Fact]
    public async Task Hello_UnsupportedVersion_ErrorAndClose4004()
    {
        await using var raw = await RawClient.ConnectAsync(Server);

        var answer = await raw.RequestAsync(new ClientFrame { Hello = new Hello { Version = (ProtocolVersion)7 } });

        Assert.Equal(ErrorCode.UnsupportedVersion, answer.Error.Code);
        Assert.Equal(CloseCodes.UnsupportedVersion, await raw.WaitForCloseAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Register_BadSignatureOverAgreementKey_AuthFailedAndNoUser()
    {
        var handle = Users.NewHandle("badsig");
        var identity = DeviceIdentity.Create();
        await using var raw = await RawClient.ConnectAsync(Server);
        var welcome = await raw.HelloAsync();
        var request = RawClient.RegisterRequestFor(identity, handle, welcome.Challenge);
        request.AgreementKeySignature = ByteString.CopyFrom(new byte[64]);

        var answer = await raw.RequestAsync(new ClientFrame { Register = request });

        Assert.Equal(ErrorCode.AuthFailed, answer.Error.Code);
        var (other, _) = await Users.RegisterAsync(Server);
        await using var _o = other;
        var lookup = await other.RequestAsync(new ClientFrame { LookupUser = new LookupUserRequest { Handle = handle } });
        Assert.Equal(ErrorCode.NotFound, lookup.Error.Code);
    }
}
