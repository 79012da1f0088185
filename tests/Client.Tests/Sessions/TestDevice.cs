using XChat.Client.Keys;
using XChat.Client.Ratchet;

namespace XChat.Client.Tests.Sessions;

/// <summary>A device with its own identity and in-memory stores, and the wire between devices (messages are serialized and parsed).</summary>
internal sealed class TestDevice
{
    private uint _nextKeyId = 1;

    public TestDevice(string name, uint deviceId = 1)
    {
        Identity = IdentityKeyPair.Generate();
        Stores = ProtocolStores.InMemory(Identity);
        Address = new ProtocolAddress(name, deviceId);
    }

    public IdentityKeyPair Identity { get; }

    public ProtocolStores Stores { get; }

    public ProtocolAddress Address { get; }

    /// <summary>Generates and stores a signed prekey, an optional one-time prekey and a KEM prekey; returns the bundle a server would hand out.</summary>
    public async Task<PreKeyBundle> PublishBundleAsync(bool withOneTimePreKey = true, bool kyberLastResort = false)
    {
        var id = _nextKeyId++;
        var signedPreKey = SignedPreKeyRecord.Generate(Identity, new SignedPreKeyId(id), DateTimeOffset.UnixEpoch);
        await Stores.SignedPreKeys.StoreSignedPreKeyAsync(signedPreKey);
        PreKeyRecord? preKey = null;
        if (withOneTimePreKey)
        {
            preKey = PreKeyRecord.GenerateBatch(new PreKeyId(id), 1)[0];
            await Stores.PreKeys.StorePreKeyAsync(preKey);
        }

        var kyberPreKey = KyberPreKeyRecord.Generate(Identity, new KyberPreKeyId(id), kyberLastResort, DateTimeOffset.UnixEpoch);
        await Stores.KyberPreKeys.StoreKyberPreKeyAsync(kyberPreKey);
        return PreKeyBundle.From(Address.DeviceId, Identity.PublicKey, signedPreKey, preKey, kyberPreKey);
    }

    public Task StartSessionAsync(PreKeyBundle bundle, TestDevice peer) => new SessionBuilder(Stores, peer.Address).ProcessPreKeyBundleAsync(bundle);

    /// <summary>Encrypts <paramref name="text"/> for <paramref name="peer"/> and returns it as it travels: type and bytes.</summary>
    public async Task<WireMessage> SendAsync(TestDevice peer, string text)
    {
        var message = await new SessionCipher(Stores, peer.Address).EncryptAsync(System.Text.Encoding.UTF8.GetBytes(text));
        return new WireMessage(message.Type, message.Serialize());
    }

    public async Task<string> ReceiveAsync(TestDevice peer, WireMessage wire)
    {
        var message = CiphertextMessage.Deserialize(wire.Type, wire.Bytes);
        var plaintext = await new SessionCipher(Stores, peer.Address).DecryptAsync(message);
        return System.Text.Encoding.UTF8.GetString(plaintext);
    }

    public async Task<SessionRecord> LoadRecordAsync(TestDevice peer) =>
        await Stores.Sessions.LoadSessionAsync(peer.Address) ?? throw new InvalidOperationException("No session record.");

    /// <summary>Alice and Bob with a session both ways: Alice's initial message and Bob's reply were delivered.</summary>
    public static async Task<(TestDevice Alice, TestDevice Bob)> PairAsync(bool withOneTimePreKey = true)
    {
        var alice = new TestDevice("alice");
        var bob = new TestDevice("bob");
        await alice.StartSessionAsync(await bob.PublishBundleAsync(withOneTimePreKey), bob);
        Assert.Equal("hello", await bob.ReceiveAsync(alice, await alice.SendAsync(bob, "hello")));
        Assert.Equal("hi", await alice.ReceiveAsync(bob, await bob.SendAsync(alice, "hi")));
        return (alice, bob);
    }
}

/// <summary>A message as it crosses the server: its type and its bytes.</summary>
internal sealed record WireMessage(CiphertextMessageType Type, byte[] Bytes)
{
    /// <summary>A copy with one bit flipped at <paramref name="index"/> (negative counts from the end).</summary>
    public WireMessage WithBitFlipped(int index)
    {
        var bytes = (byte[])Bytes.Clone();
        bytes[index < 0 ? bytes.Length + index : index] ^= 0x01;
        return this with { Bytes = bytes };
    }
}
