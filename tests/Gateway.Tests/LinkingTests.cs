using XChat.Client.Transport;
using XChat.Protocol;
using XChat.TestSupport;

namespace XChat.Gateway.Tests;

[Collection(ServerCollection.Name)]
public sealed class LinkingTests(ServerFixture fixture)
{
    private Uri Server => fixture.Server.WebSocketUri;

    [Fact]
    public async Task LinkDevice_ApprovedBySameUser_NewDeviceIsLoggedInAndBothDevicesLogIn()
    {
        var handle = Users.NewHandle();
        var (first, firstIdentity) = await Users.RegisterAsync(Server, handle);
        await using var _f = first;

        var (second, secondIdentity) = await Linking.LinkAsync(Server, handle, first, firstIdentity);
        await using var _s = second;

        Assert.Equal(firstIdentity.UserId, secondIdentity.UserId);
        Assert.Equal(2u, secondIdentity.DeviceId);
        var lookup = await Linking.LookupAsync(second, handle); // works only when logged in
        Assert.Equal([1u, 2u], lookup.Devices.Select(d => d.DeviceId));
        Assert.Equal(secondIdentity.SigningPublicKey.ToArray(), lookup.Devices[1].IdentitySigningKey.ToByteArray());
        await using var again = await RawClient.ConnectAsync(Server);
        Assert.Equal(ServerFrame.BodyOneofCase.Login, (await again.LoginAsync(secondIdentity)).BodyCase);
        await using var firstAgain = await RawClient.ConnectAsync(Server);
        Assert.Equal(ServerFrame.BodyOneofCase.Login, (await firstAgain.LoginAsync(firstIdentity)).BodyCase);
    }

    [Fact]
    public async Task ApproveLink_BadSignature_AuthFailedAndNoDeviceAdded()
    {
        var handle = Users.NewHandle();
        var (first, _) = await Users.RegisterAsync(Server, handle);
        await using var _f = first;
        var (pending, _, _, code) = await Linking.StartAsync(Server, handle);
        await using var _p = pending;

        var answer = await Linking.ApproveAsync(first, DeviceIdentity.Create(), code.Code);

        Assert.Equal(ErrorCode.AuthFailed, answer.Error?.Code);
        Assert.Single((await Linking.LookupAsync(first, handle)).Devices);
    }

    [Fact]
    public async Task ApproveLink_WrongCode_NotFound()
    {
        var handle = Users.NewHandle();
        var (first, firstIdentity) = await Users.RegisterAsync(Server, handle);
        await using var _f = first;
        var (pending, _, _, code) = await Linking.StartAsync(Server, handle);
        await using var _p = pending;
        var wrong = code.Code[0] == 'A' ? "B" + code.Code[1..] : "A" + code.Code[1..];

        var answer = await Linking.ApproveAsync(first, firstIdentity, wrong);
        var malformed = await Linking.ApproveAsync(first, firstIdentity, "not-a-code");

        Assert.Equal(ErrorCode.NotFound, answer.Error?.Code);
        Assert.Equal(ErrorCode.NotFound, malformed.Error?.Code);
        Assert.Single((await Linking.LookupAsync(first, handle)).Devices);
    }

    [Fact]
    public async Task ApproveLink_ByAnotherUsersDevice_ForbiddenAndNoDeviceAdded()
    {
        var handle = Users.NewHandle();
        var (first, _) = await Users.RegisterAsync(Server, handle);
        var (stranger, strangerIdentity) = await Users.RegisterAsync(Server);
        await using var _f = first;
        await using var _s = stranger;
        var (pending, _, _, code) = await Linking.StartAsync(Server, handle);
        await using var _p = pending;

        var answer = await Linking.ApproveAsync(stranger, strangerIdentity, code.Code);

        Assert.Equal(ErrorCode.Forbidden, answer.Error?.Code);
        Assert.Single((await Linking.LookupAsync(first, handle)).Devices);
    }

    [Fact]
    public async Task LinkDevice_UnknownHandle_NotFound()
    {
        var client = await RawClient.ConnectAsync(Server);
        await using var _c = client;
        var identity = DeviceIdentity.Create();
        var welcome = await client.HelloAsync();
        var register = RawClient.RegisterRequestFor(identity, "x", welcome.Challenge);

        var answer = await client.RequestAsync(new ClientFrame
        {
            LinkDevice = new LinkDeviceRequest
            {
                Handle = Users.NewHandle(),
                IdentitySigningKey = register.IdentitySigningKey,
                IdentityAgreementKey = register.IdentityAgreementKey,
                AgreementKeySignature = register.AgreementKeySignature,
                ChallengeSignature = register.ChallengeSignature,
            },
        });

        Assert.Equal(ErrorCode.NotFound, answer.Error?.Code);
    }

    [Fact]
    public async Task XChatConnection_StartLinkAndApprove_NewDeviceIsLoggedIn()
    {
        var handle = Users.NewHandle();
        var firstIdentity = DeviceIdentity.Create();
        await using var first = await XChatConnection.ConnectAsync(Server, firstIdentity);
        await first.RegisterAsync(handle);
        var secondIdentity = DeviceIdentity.Create();
        await using var second = await XChatConnection.ConnectAsync(Server, secondIdentity);

        var link = await second.StartLinkAsync(handle);
        var pending = await first.GetLinkAsync(link.Code);
        var approved = await first.ApproveLinkAsync(pending);
        var linked = await link.Approved.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(approved, linked);
        Assert.Equal(firstIdentity.UserId, secondIdentity.UserId);
        Assert.Equal(2u, secondIdentity.DeviceId);
        Assert.Equal(2, (await second.LookupUserAsync(handle)).Devices.Count);
    }

    [Fact]
    public async Task XChatConnection_SendMissingOwnOtherDevice_ThrowsWithMismatchedDetail()
    {
        var handle = Users.NewHandle();
        var aliceIdentity = DeviceIdentity.Create();
        await using var alice = await XChatConnection.ConnectAsync(Server, aliceIdentity);
        await alice.RegisterAsync(handle);
        await using var alice2 = await XChatConnection.ConnectAsync(Server, DeviceIdentity.Create());
        var link = await alice2.StartLinkAsync(handle);
        await alice.ApproveLinkAsync(await alice.GetLinkAsync(link.Code));
        await link.Approved.WaitAsync(TimeSpan.FromSeconds(20));
        var (bob, bobIdentity) = await Users.RegisterAsync(Server);
        await using var _b = bob;
        var conversation = await alice.CreateDirectAsync(bobIdentity.UserId!);
        var send = new SendRequest { ConversationId = conversation.ConversationId };
        send.DeviceCiphertexts.Add(new DeviceCiphertext { UserId = bobIdentity.UserId, DeviceId = 1, Ciphertext = Google.Protobuf.ByteString.CopyFrom([1]) });

        var error = await Assert.ThrowsAsync<XChatServerException>(() => alice.SendAsync(send));

        Assert.Equal(ErrorCode.MismatchedDevices, error.Code);
        var missing = Assert.Single(error.Mismatched!.Missing);
        Assert.Equal((aliceIdentity.UserId, 2u), (missing.UserId, missing.DeviceId));
        Assert.Empty(error.Mismatched.Extra);
    }
}
