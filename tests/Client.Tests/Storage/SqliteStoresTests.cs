using XChat.Client.Errors;
using XChat.Client.Keys;
using XChat.Client.Ratchet;
using XChat.Client.Storage;

namespace XChat.Client.Tests.Storage;

public sealed class SqliteStoresTests : IDisposable
{
    private const string Passphrase = "correct horse battery staple";
    private readonly ProfileFixture _alice = new();
    private readonly ProfileFixture _bob = new();

    public void Dispose()
    {
        _alice.Dispose();
        _bob.Dispose();
    }

    [Fact]
    public async Task Session_StoredMidConversationAndReopened_Continues()
    {
        var alice = new ProfileDevice(new ProtocolAddress("alice", 1), _alice.Create(IdentityKeyPair.Generate(), Passphrase));
        var bob = new ProfileDevice(new ProtocolAddress("bob", 1), _bob.Create(IdentityKeyPair.Generate(), Passphrase));
        await new SessionBuilder(alice.Profile.Stores, bob.Address).ProcessPreKeyBundleAsync(await bob.PublishBundleAsync());
        Assert.Equal("hello", await bob.ReceiveAsync(alice, await alice.SendAsync(bob, "hello")));
        Assert.Equal("hi", await alice.ReceiveAsync(bob, await bob.SendAsync(alice, "hi")));
        var inFlight = await alice.SendAsync(bob, "sent before the restart");
        var later = await alice.SendAsync(bob, "also before, delivered first");

        // Both devices restart from their profiles.
        alice.Profile.Dispose();
        bob.Profile.Dispose();
        alice.Profile = DeviceProfile.Open(_alice.Directory, Passphrase);
        bob.Profile = DeviceProfile.Open(_bob.Directory, Passphrase);

        Assert.Equal("also before, delivered first", await bob.ReceiveAsync(alice, later));
        Assert.Equal("sent before the restart", await bob.ReceiveAsync(alice, inFlight));
        await Assert.ThrowsAsync<DuplicateMessageException>(() => bob.ReceiveAsync(alice, inFlight));
        for (var round = 0; round < 6; round++)
        {
            Assert.Equal($"b{round}", await alice.ReceiveAsync(bob, await bob.SendAsync(alice, $"b{round}")));
            Assert.Equal($"a{round}", await bob.ReceiveAsync(alice, await alice.SendAsync(bob, $"a{round}")));
        }

        alice.Profile.Dispose();
        bob.Profile.Dispose();
    }

    [Fact]
    public async Task InitialMessage_ConsumesOneTimePreKeysInProfile()
    {
        using var aliceProfile = _alice.Create(IdentityKeyPair.Generate(), Passphrase);
        using var bobProfile = _bob.Create(IdentityKeyPair.Generate(), Passphrase);
        var alice = new ProfileDevice(new ProtocolAddress("alice", 1), aliceProfile);
        var bob = new ProfileDevice(new ProtocolAddress("bob", 1), bobProfile);
        var bundle = await bob.PublishBundleAsync();
        await new SessionBuilder(alice.Profile.Stores, bob.Address).ProcessPreKeyBundleAsync(bundle);

        await bob.ReceiveAsync(alice, await alice.SendAsync(bob, "hello"));

        Assert.Null(await bobProfile.Stores.PreKeys.LoadPreKeyAsync(bundle.PreKeyId!.Value));
        Assert.Null(await bobProfile.Stores.KyberPreKeys.LoadKyberPreKeyAsync(bundle.KyberPreKeyId));
        Assert.NotNull(await bobProfile.Stores.SignedPreKeys.LoadSignedPreKeyAsync(bundle.SignedPreKeyId));
    }

    [Fact]
    public async Task MarkKyberPreKeyUsed_LastResortSameBaseKeyTwice_ThrowsInvalidMessage()
    {
        var identity = IdentityKeyPair.Generate();
        using var profile = _alice.Create(identity, Passphrase);
        var lastResort = KyberPreKeyRecord.Generate(identity, new KyberPreKeyId(1), isLastResort: true, DateTimeOffset.UnixEpoch);
        await profile.Stores.KyberPreKeys.StoreKyberPreKeyAsync(lastResort);
        var baseKey = new byte[32];

        await profile.Stores.KyberPreKeys.MarkKyberPreKeyUsedAsync(lastResort.Id, new SignedPreKeyId(1), baseKey);
        await profile.Stores.KyberPreKeys.MarkKyberPreKeyUsedAsync(lastResort.Id, new SignedPreKeyId(1), new byte[] { 1 }.Concat(baseKey[1..]).ToArray());

        await Assert.ThrowsAsync<InvalidMessageException>(() => profile.Stores.KyberPreKeys.MarkKyberPreKeyUsedAsync(lastResort.Id, new SignedPreKeyId(1), baseKey));
        await Assert.ThrowsAsync<InvalidKeyIdException>(() => profile.Stores.KyberPreKeys.MarkKyberPreKeyUsedAsync(new KyberPreKeyId(2), new SignedPreKeyId(1), baseKey));
        Assert.NotNull(await profile.Stores.KyberPreKeys.LoadKyberPreKeyAsync(lastResort.Id));
    }

    [Fact]
    public async Task SaveIdentity_ChangedKey_ReplacesAndResetsTrust()
    {
        using var profile = _alice.Create(IdentityKeyPair.Generate(), Passphrase);
        var bob = new ProtocolAddress("bob", 1);
        var first = IdentityKeyPair.Generate().PublicKey;
        var second = IdentityKeyPair.Generate().PublicKey;

        Assert.False(await profile.Identities.SaveIdentityAsync(bob, first));
        Assert.True(await profile.Identities.SetTrustAsync(bob, PeerTrust.Verified));
        Assert.False(await profile.Identities.SaveIdentityAsync(bob, first));
        Assert.Equal(PeerTrust.Verified, await profile.Identities.GetTrustAsync(bob));
        Assert.False(await profile.Identities.IsTrustedIdentityAsync(bob, second, IdentityDirection.Sending));

        Assert.True(await profile.Identities.SaveIdentityAsync(bob, second));
        Assert.Equal(PeerTrust.Unverified, await profile.Identities.GetTrustAsync(bob));
        Assert.True(await profile.Identities.IsTrustedIdentityAsync(bob, second, IdentityDirection.Receiving));
    }

    [Fact]
    public async Task Messages_SameSeqTwice_StoredOnceAndCursorNeverMovesBack()
    {
        using var profile = _alice.Create(IdentityKeyPair.Generate(), Passphrase);
        var message = new StoredMessage("group:1", 5, "bob", "once", DateTimeOffset.UnixEpoch);

        Assert.True(await profile.Messages.AddAsync(message));
        Assert.False(await profile.Messages.AddAsync(message with { Text = "twice" }));
        await profile.Messages.AdvanceCursorAsync("group:1", 3);

        Assert.Equal([message], await profile.Messages.GetAsync("group:1"));
        Assert.Equal(5, await profile.Messages.GetCursorAsync("group:1"));
        Assert.Equal(0, await profile.Messages.GetCursorAsync("group:2"));
    }

    [Fact]
    public async Task Contacts_RemappedHandle_OldMappingGone()
    {
        using var profile = _alice.Create(IdentityKeyPair.Generate(), Passphrase);
        await profile.Contacts.SetAsync("bob", "user-1");

        await profile.Contacts.SetAsync("bobby", "user-1");

        Assert.Null(await profile.Contacts.GetUserIdAsync("bob"));
        Assert.Equal("bobby", await profile.Contacts.GetHandleAsync("user-1"));
        Assert.Equal([("bobby", "user-1")], await profile.Contacts.ListAsync());
    }
}
