using XChat.Client.Crypto;
using XChat.Client.Errors;
using XChat.Client.Keys;
using XChat.Client.Ratchet;

namespace XChat.Client.Tests.Sessions;

public sealed class SessionBuilderTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ProcessPreKeyBundle_ValidBundle_PeerDecryptsInitialMessages(bool withOneTimePreKey)
    {
        var alice = new TestDevice("alice");
        var bob = new TestDevice("bob");
        await alice.StartSessionAsync(await bob.PublishBundleAsync(withOneTimePreKey), bob);

        var first = await alice.SendAsync(bob, "one");
        var second = await alice.SendAsync(bob, "two");

        Assert.Equal(CiphertextMessageType.PreKey, first.Type);
        Assert.Equal(CiphertextMessageType.PreKey, second.Type);
        Assert.Equal("one", await bob.ReceiveAsync(alice, first));
        Assert.Equal("two", await bob.ReceiveAsync(alice, second));
        Assert.Equal("reply", await alice.ReceiveAsync(bob, await bob.SendAsync(alice, "reply")));
        Assert.True(CiphertextMessageType.Whisper == (await alice.SendAsync(bob, "three")).Type, "after the first reply the initiator sends normal messages");
    }

    [Fact]
    public async Task ProcessPreKeyBundle_BadSignedPreKeySignature_ThrowsInvalidKey()
    {
        var alice = new TestDevice("alice");
        var bob = new TestDevice("bob");
        var bundle = await bob.PublishBundleAsync();
        var signature = (byte[])bundle.SignedPreKeySignature.Clone();
        signature[0] ^= 0x01;

        await Assert.ThrowsAsync<InvalidKeyException>(() => alice.StartSessionAsync(bundle with { SignedPreKeySignature = signature }, bob));
        Assert.Null(await alice.Stores.Sessions.LoadSessionAsync(bob.Address));
    }

    [Fact]
    public async Task ProcessPreKeyBundle_SignedPreKeySubstituted_ThrowsInvalidKey()
    {
        var alice = new TestDevice("alice");
        var bob = new TestDevice("bob");
        var bundle = await bob.PublishBundleAsync();

        await Assert.ThrowsAsync<InvalidKeyException>(() => alice.StartSessionAsync(bundle with { SignedPreKey = X25519.GenerateKeyPair().PublicKey }, bob));
    }

    [Fact]
    public async Task ProcessPreKeyBundle_BadKyberPreKeySignature_ThrowsInvalidKey()
    {
        var alice = new TestDevice("alice");
        var bob = new TestDevice("bob");
        var bundle = await bob.PublishBundleAsync();
        var signature = (byte[])bundle.KyberPreKeySignature.Clone();
        signature[^1] ^= 0x01;

        await Assert.ThrowsAsync<InvalidKeyException>(() => alice.StartSessionAsync(bundle with { KyberPreKeySignature = signature }, bob));
    }

    [Fact]
    public async Task ProcessPreKeyBundle_KyberPreKeySignedByAnotherIdentity_ThrowsInvalidKey()
    {
        var alice = new TestDevice("alice");
        var bob = new TestDevice("bob");
        var mallory = new TestDevice("mallory");
        var bundle = await bob.PublishBundleAsync();
        var forged = await mallory.PublishBundleAsync();

        await Assert.ThrowsAsync<InvalidKeyException>(() => alice.StartSessionAsync(
            bundle with { KyberPreKey = forged.KyberPreKey, KyberPreKeySignature = forged.KyberPreKeySignature }, bob));
    }

    [Fact]
    public void IdentityKey_AgreementKeyNotBound_ThrowsInvalidKey()
    {
        var identity = IdentityKeyPair.Generate().PublicKey;
        var other = X25519.GenerateKeyPair().PublicKey;

        Assert.Throws<InvalidKeyException>(() => new IdentityKey(identity.SigningKey, other, identity.BindingSignature));
    }

    [Fact]
    public async Task ProcessPreKeyBundle_IdentityChanged_ThrowsUntrustedIdentity()
    {
        var alice = new TestDevice("alice");
        var bob = new TestDevice("bob");
        await alice.Stores.Identities.SaveIdentityAsync(bob.Address, IdentityKeyPair.Generate().PublicKey);

        var error = await Assert.ThrowsAsync<UntrustedIdentityException>(async () => await alice.StartSessionAsync(await bob.PublishBundleAsync(), bob));
        Assert.Equal("bob.1", error.Address);
    }

    [Fact]
    public async Task DecryptPreKeyMessage_OneTimePreKeyReusedBySecondInitiator_ThrowsInvalidKeyId()
    {
        var alice = new TestDevice("alice");
        var carol = new TestDevice("carol");
        var bob = new TestDevice("bob");
        var bundle = await bob.PublishBundleAsync(withOneTimePreKey: true);
        await alice.StartSessionAsync(bundle, bob);
        await carol.StartSessionAsync(bundle, bob);

        Assert.Equal("from alice", await bob.ReceiveAsync(alice, await alice.SendAsync(bob, "from alice")));
        Assert.Null(await bob.Stores.PreKeys.LoadPreKeyAsync(bundle.PreKeyId!.Value));
        await Assert.ThrowsAsync<InvalidKeyIdException>(async () => await bob.ReceiveAsync(carol, await carol.SendAsync(bob, "from carol")));
    }

    [Fact]
    public async Task DecryptPreKeyMessage_TamperedKemCiphertext_ThrowsInvalidMessageAndConsumesNothing()
    {
        var alice = new TestDevice("alice");
        var bob = new TestDevice("bob");
        var bundle = await bob.PublishBundleAsync();
        await alice.StartSessionAsync(bundle, bob);
        var genuine = await alice.SendAsync(bob, "genuine");
        // The KEM ciphertext sits right before the inner message; flip a bit in its middle.
        var kemOffset = genuine.Bytes.Length - MlKem768.CiphertextSize / 2 - (SignalMessage.HeaderSize + Aes256Gcm.TagSize + "genuine".Length);

        await Assert.ThrowsAsync<InvalidMessageException>(() => bob.ReceiveAsync(alice, genuine.WithBitFlipped(kemOffset)));
        Assert.NotNull(await bob.Stores.PreKeys.LoadPreKeyAsync(bundle.PreKeyId!.Value));
        Assert.NotNull(await bob.Stores.KyberPreKeys.LoadKyberPreKeyAsync(bundle.KyberPreKeyId));
        Assert.Null(await bob.Stores.Sessions.LoadSessionAsync(alice.Address));
        Assert.Equal("genuine", await bob.ReceiveAsync(alice, genuine));
    }

    [Fact]
    public async Task DecryptPreKeyMessage_ReplayedOnLastResortKeyAfterSessionLost_ThrowsInvalidMessage()
    {
        var alice = new TestDevice("alice");
        var bob = new TestDevice("bob");
        var bundle = await bob.PublishBundleAsync(withOneTimePreKey: false, kyberLastResort: true);
        await alice.StartSessionAsync(bundle, bob);
        var initial = await alice.SendAsync(bob, "once");
        Assert.Equal("once", await bob.ReceiveAsync(alice, initial));
        await bob.Stores.Sessions.StoreSessionAsync(alice.Address, new SessionRecord());

        await Assert.ThrowsAsync<InvalidMessageException>(() => bob.ReceiveAsync(alice, initial));
        Assert.NotNull(await bob.Stores.KyberPreKeys.LoadKyberPreKeyAsync(bundle.KyberPreKeyId));
    }

    [Fact]
    public async Task DecryptPreKeyMessage_OneTimeKyberPreKey_IsRemovedAfterUse()
    {
        var alice = new TestDevice("alice");
        var bob = new TestDevice("bob");
        var bundle = await bob.PublishBundleAsync(kyberLastResort: false);
        await alice.StartSessionAsync(bundle, bob);

        await bob.ReceiveAsync(alice, await alice.SendAsync(bob, "x"));

        Assert.Null(await bob.Stores.KyberPreKeys.LoadKyberPreKeyAsync(bundle.KyberPreKeyId));
    }

    [Fact]
    public async Task DecryptPreKeyMessage_SenderIdentityNotTrusted_ThrowsUntrustedIdentity()
    {
        var alice = new TestDevice("alice");
        var bob = new TestDevice("bob");
        await alice.StartSessionAsync(await bob.PublishBundleAsync(), bob);
        await bob.Stores.Identities.SaveIdentityAsync(alice.Address, IdentityKeyPair.Generate().PublicKey);

        await Assert.ThrowsAsync<UntrustedIdentityException>(async () => await bob.ReceiveAsync(alice, await alice.SendAsync(bob, "x")));
    }
}
