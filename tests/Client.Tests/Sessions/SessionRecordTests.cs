using XChat.Client.Ratchet;

namespace XChat.Client.Tests.Sessions;

public sealed class SessionRecordTests
{
    [Fact]
    public async Task Serialize_MidConversationWithSkippedKeys_RoundTripsAndConversationContinues()
    {
        var alice = new TestDevice("alice");
        var bob = new TestDevice("bob");
        await alice.StartSessionAsync(await bob.PublishBundleAsync(), bob);
        var pendingInitial = await alice.SendAsync(bob, "initial, delivered late");
        await bob.ReceiveAsync(alice, await alice.SendAsync(bob, "initial"));
        var aliceRecord = await alice.LoadRecordAsync(bob);
        var bobRecord = await bob.LoadRecordAsync(alice);

        var aliceBytes = aliceRecord.Serialize();
        var bobBytes = bobRecord.Serialize();
        Assert.Equal(aliceBytes, SessionRecord.Deserialize(aliceBytes).Serialize());
        Assert.Equal(bobBytes, SessionRecord.Deserialize(bobBytes).Serialize());

        // Both devices restart from their serialized records, into fresh stores.
        var alice2 = await RestoreAsync(alice, bob, aliceBytes);
        var bob2 = await RestoreAsync(bob, alice, bobBytes);
        Assert.Equal(CiphertextMessageType.PreKey, (await alice2.SendAsync(bob2, "still initial")).Type);
        Assert.Equal("initial, delivered late", await bob2.ReceiveAsync(alice2, pendingInitial));
        for (var round = 0; round < 5; round++)
        {
            Assert.Equal($"b{round}", await alice2.ReceiveAsync(bob2, await bob2.SendAsync(alice2, $"b{round}")));
            Assert.Equal($"a{round}", await bob2.ReceiveAsync(alice2, await alice2.SendAsync(bob2, $"a{round}")));
        }
    }

    [Fact]
    public void Deserialize_UnknownVersion_ThrowsInvalidData()
    {
        Assert.Throws<InvalidDataException>(() => SessionRecord.Deserialize([2, 0]));
    }

    [Fact]
    public async Task Deserialize_Truncated_ThrowsInvalidData()
    {
        var (alice, bob) = await TestDevice.PairAsync();
        var bytes = (await alice.LoadRecordAsync(bob)).Serialize();

        Assert.Throws<InvalidDataException>(() => SessionRecord.Deserialize(bytes.AsSpan(0, bytes.Length - 1)));
        Assert.Throws<InvalidDataException>(() => SessionRecord.Deserialize([.. bytes, 0]));
    }

    [Fact]
    public void Serialize_EmptyRecord_RoundTrips()
    {
        var record = SessionRecord.Deserialize(new SessionRecord().Serialize());

        Assert.False(record.HasCurrentState);
    }

    /// <summary>A device with the same identity and fresh stores holding only <paramref name="record"/> for <paramref name="peer"/>.</summary>
    private static async Task<RestoredDevice> RestoreAsync(TestDevice device, TestDevice peer, byte[] record)
    {
        var stores = ProtocolStores.InMemory(device.Identity);
        await stores.Sessions.StoreSessionAsync(peer.Address, SessionRecord.Deserialize(record));
        await stores.Identities.SaveIdentityAsync(peer.Address, peer.Identity.PublicKey);
        return new RestoredDevice(stores, device.Address);
    }

    private sealed record RestoredDevice(ProtocolStores Stores, ProtocolAddress Address)
    {
        public async Task<WireMessage> SendAsync(RestoredDevice peer, string text)
        {
            var message = await new SessionCipher(Stores, peer.Address).EncryptAsync(System.Text.Encoding.UTF8.GetBytes(text));
            return new WireMessage(message.Type, message.Serialize());
        }

        public async Task<string> ReceiveAsync(RestoredDevice peer, WireMessage wire)
        {
            var plaintext = await new SessionCipher(Stores, peer.Address).DecryptAsync(CiphertextMessage.Deserialize(wire.Type, wire.Bytes));
            return System.Text.Encoding.UTF8.GetString(plaintext);
        }
    }
}
