using Google.Protobuf;
using XChat.Client.Crypto;
using XChat.Client.Transport;
using XChat.Protocol;
using XChat.TestSupport;

namespace XChat.Gateway.Tests;

/// <summary>Prekeys through the gateway: signatures verified against the uploader's identity key, bundles for other users, errors that store nothing.</summary>
[Collection(ServerCollection.Name)]
public sealed class PreKeyTests(ServerFixture fixture)
{
    private Uri Server => fixture.Server.WebSocketUri;

    [Fact]
    public async Task GetPreKeyBundle_AfterSignedUpload_AnotherUserGetsVerifiableKeysOnce()
    {
        var (alice, aliceIdentity) = await Users.RegisterAsync(Server);
        var (bob, _) = await Users.RegisterAsync(Server);
        await using var _a = alice;
        await using var _b = bob;
        var upload = PreKeys.Initial(aliceIdentity, oneTime: 2, kemOneTime: 1);

        var uploaded = await alice.RequestAsync(PreKeys.Upload(upload));
        var first = (await bob.RequestAsync(PreKeys.GetBundle(aliceIdentity.UserId!, 1))).PreKeyBundle;
        var second = (await bob.RequestAsync(PreKeys.GetBundle(aliceIdentity.UserId!, 1))).PreKeyBundle;
        var third = (await bob.RequestAsync(PreKeys.GetBundle(aliceIdentity.UserId!, 1))).PreKeyBundle;
        var counts = await alice.RequestAsync(PreKeys.GetCounts());

        Assert.Equal(new PreKeyCounts { OneTimePreKeys = 2, KemOneTimePreKeys = 1 }, uploaded.PreKeyCounts);
        Assert.Equal(aliceIdentity.UserId, first.UserId);
        Assert.Equal(aliceIdentity.SigningPublicKey.ToArray(), first.IdentitySigningKey.ToByteArray());
        Assert.Equal(aliceIdentity.AgreementPublicKey.ToArray(), first.IdentityAgreementKey.ToByteArray());
        var identityKey = first.IdentitySigningKey.Span;
        Assert.True(Ed25519.Verify(identityKey, PreKeySigningInput.SignedPreKey(first.SignedPreKey.PublicKey.Span), first.SignedPreKey.Signature.Span), "the signed prekey verifies under the bundle's identity key");
        Assert.True(Ed25519.Verify(identityKey, PreKeySigningInput.KemPreKey(first.KemPreKey.PublicKey.Span), first.KemPreKey.Signature.Span), "the KEM prekey verifies under the bundle's identity key");
        Assert.Equal(upload.OneTimePreKeys[0], first.OneTimePreKey);
        Assert.Equal(upload.KemOneTimePreKeys[0], first.KemPreKey);
        Assert.False(first.KemPreKeyIsLastResort);
        Assert.Equal(new PreKeyCounts { OneTimePreKeys = 1, KemOneTimePreKeys = 0 }, first.Remaining);
        Assert.Equal(upload.OneTimePreKeys[1], second.OneTimePreKey);
        Assert.Equal(upload.KemLastResortPreKey, second.KemPreKey);
        Assert.True(second.KemPreKeyIsLastResort);
        Assert.Null(third.OneTimePreKey);
        Assert.Equal(upload.KemLastResortPreKey, third.KemPreKey);
        Assert.Equal(upload.SignedPreKey, third.SignedPreKey);
        Assert.Equal(new PreKeyCounts(), counts.PreKeyCounts);
    }

    [Fact]
    public async Task UploadPreKeys_BadSignature_BadRequestAndNothingStored()
    {
        var (alice, aliceIdentity) = await Users.RegisterAsync(Server);
        var (bob, _) = await Users.RegisterAsync(Server);
        await using var _a = alice;
        await using var _b = bob;
        var stranger = DeviceIdentity.Create();

        var signedByStranger = PreKeys.Initial(aliceIdentity, oneTime: 1, kemOneTime: 1);
        signedByStranger.SignedPreKey = PreKeys.Signed(stranger, 1);
        var oneKemKeyByStranger = PreKeys.Initial(aliceIdentity, oneTime: 1, kemOneTime: 2);
        oneKemKeyByStranger.KemOneTimePreKeys.Add(PreKeys.Kem(stranger, 3));
        // A signature over the bare key (no context) is what the identity binding looks like: not a prekey signature.
        var noContext = PreKeys.Initial(aliceIdentity, oneTime: 0, kemOneTime: 0);
        noContext.KemLastResortPreKey.Signature = ByteString.CopyFrom(aliceIdentity.Sign(noContext.KemLastResortPreKey.PublicKey.Span));

        foreach (var upload in new[] { signedByStranger, oneKemKeyByStranger, noContext })
        {
            var answer = await alice.RequestAsync(PreKeys.Upload(upload));
            Assert.Equal(ErrorCode.BadRequest, answer.Error?.Code);
        }

        Assert.Equal(new PreKeyCounts(), (await alice.RequestAsync(PreKeys.GetCounts())).PreKeyCounts);
        Assert.True((await bob.RequestAsync(PreKeys.GetBundle(aliceIdentity.UserId!, 1))).Error?.Code == ErrorCode.NotFound,
            "a rejected upload stores nothing, so there is no bundle");
    }

    [Fact]
    public async Task UploadPreKeys_WrongKeySize_BadRequestAndNothingStored()
    {
        var (alice, aliceIdentity) = await Users.RegisterAsync(Server);
        await using var _a = alice;
        var upload = PreKeys.Initial(aliceIdentity, oneTime: 1, kemOneTime: 0);
        upload.OneTimePreKeys.Add(new OneTimePreKey { KeyId = 2, PublicKey = ByteString.CopyFrom(new byte[31]) });

        var answer = await alice.RequestAsync(PreKeys.Upload(upload));

        Assert.Equal(ErrorCode.BadRequest, answer.Error?.Code);
        Assert.Equal(new PreKeyCounts(), (await alice.RequestAsync(PreKeys.GetCounts())).PreKeyCounts);
    }

    [Fact]
    public async Task GetPreKeyBundle_DeviceOrUserDoesNotExist_NotFound()
    {
        var (alice, aliceIdentity) = await Users.RegisterAsync(Server);
        await using var _a = alice;
        await alice.RequestAsync(PreKeys.Upload(PreKeys.Initial(aliceIdentity, oneTime: 1, kemOneTime: 0)));

        var noDevice = await alice.RequestAsync(PreKeys.GetBundle(aliceIdentity.UserId!, 2));
        var noUser = await alice.RequestAsync(PreKeys.GetBundle(Guid.NewGuid().ToString("N"), 1));
        var malformed = await alice.RequestAsync(PreKeys.GetBundle("not-a-user-id", 1));

        Assert.Equal(ErrorCode.NotFound, noDevice.Error?.Code);
        Assert.Equal(ErrorCode.NotFound, noUser.Error?.Code);
        Assert.Equal(ErrorCode.BadRequest, malformed.Error?.Code);
    }

    [Fact]
    public async Task PreKeyRequests_BeforeLogin_Unauthenticated()
    {
        await using var raw = await RawClient.ConnectAsync(Server);
        await raw.HelloAsync();

        var answer = await raw.RequestAsync(PreKeys.GetCounts());

        Assert.Equal(ErrorCode.Unauthenticated, answer.Error?.Code);
    }
}
