using System.Text;
using XChat.Client.Keys;
using XChat.Client.Ratchet;
using XChat.Client.Storage;

namespace XChat.Client.Tests.Storage;

public sealed class ProfileEncryptionTests : IDisposable
{
    private const string Marker = "PLAINTEXT-MARKER-7f3a9c";
    private readonly ProfileFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public async Task RawFiles_OpenAndClosed_ContainNoMessageTextNorPrivateKeys()
    {
        var identity = IdentityKeyPair.Generate();
        var preKey = PreKeyRecord.GenerateBatch(new PreKeyId(1), 1)[0];
        var kyber = KyberPreKeyRecord.Generate(identity, new KyberPreKeyId(1), isLastResort: false, DateTimeOffset.UnixEpoch);
        var profile = _fixture.Create(identity);
        await profile.Stores.PreKeys.StorePreKeyAsync(preKey);
        await profile.Stores.KyberPreKeys.StoreKyberPreKeyAsync(kyber);
        for (var seq = 1; seq <= 20; seq++)
        {
            await profile.Messages.AddAsync(new StoredMessage("dm:bob", seq, "bob", $"{Marker} number {seq}", DateTimeOffset.UnixEpoch));
        }

        byte[][] secrets =
        [
            Encoding.UTF8.GetBytes(Marker), Encoding.Unicode.GetBytes(Marker),
            identity.Signing.PrivateKey, identity.Agreement.PrivateKey, preKey.KeyPair.PrivateKey, kyber.KeyPair.PrivateKey[..32],
        ];

        // While open, the writes sit in the WAL; after close they are checkpointed into the database.
        AssertAbsent(_fixture.RawDatabaseBytes(), secrets, "while open");
        profile.Dispose();
        AssertAbsent(_fixture.RawDatabaseBytes(), secrets, "after close");
    }

    [Fact]
    public async Task TamperedMessageCell_IsDetected()
    {
        using (var profile = _fixture.Create(IdentityKeyPair.Generate()))
        {
            await profile.Messages.AddAsync(new StoredMessage("dm:bob", 1, "bob", "attack at dawn", DateTimeOffset.UnixEpoch));
        }

        // Overwrite the last 4 bytes (inside the tag) with different ones.
        _fixture.RawExecute("UPDATE messages SET body = CAST(substr(body, 1, length(body) - 4) || (CASE WHEN substr(body, -4) = x'00000000' THEN x'01010101' ELSE x'00000000' END) AS BLOB) WHERE seq = 1");

        using var reopened = DeviceProfile.Open(_fixture.Directory, "correct horse battery staple");
        await Assert.ThrowsAsync<ProfileCorruptException>(() => reopened.Messages.GetAsync("dm:bob"));
    }

    [Fact]
    public async Task CellReplacedByText_IsDetected()
    {
        using (var profile = _fixture.Create(IdentityKeyPair.Generate()))
        {
            await profile.Messages.AddAsync(new StoredMessage("dm:bob", 1, "bob", "attack at dawn", DateTimeOffset.UnixEpoch));
        }

        _fixture.RawExecute("UPDATE messages SET body = 'attack at dusk' WHERE seq = 1");

        using var reopened = DeviceProfile.Open(_fixture.Directory, "correct horse battery staple");
        await Assert.ThrowsAsync<ProfileCorruptException>(() => reopened.Messages.GetAsync("dm:bob"));
    }

    [Fact]
    public async Task SwappedSessionCell_IsDetected()
    {
        var (alice, bob) = (new ProtocolAddress("alice", 1), new ProtocolAddress("bob", 1));
        using (var profile = _fixture.Create(IdentityKeyPair.Generate()))
        {
            await profile.Stores.Sessions.StoreSessionAsync(alice, new SessionRecord());
            await profile.Stores.Sessions.StoreSessionAsync(bob, new SessionRecord());
        }

        // A valid ciphertext moved to another row: the associated data names the row, so it fails.
        _fixture.RawExecute("UPDATE sessions SET record = (SELECT record FROM sessions WHERE address = 'alice.1') WHERE address = 'bob.1'");

        using var reopened = DeviceProfile.Open(_fixture.Directory, "correct horse battery staple");
        Assert.NotNull(await reopened.Stores.Sessions.LoadSessionAsync(alice));
        await Assert.ThrowsAsync<ProfileCorruptException>(() => reopened.Stores.Sessions.LoadSessionAsync(bob));
    }

    [Fact]
    public void ChangedKdfCost_IsRejectedAsWrongPassphrase()
    {
        _fixture.Create(IdentityKeyPair.Generate()).Dispose();

        _fixture.RawExecute("UPDATE profile_key SET iterations = iterations + 1");

        Assert.Throws<WrongPassphraseException>(() => DeviceProfile.Open(_fixture.Directory, "correct horse battery staple"));
    }

    private static void AssertAbsent(byte[] haystack, byte[][] needles, string when)
    {
        foreach (var needle in needles)
        {
            Assert.True(haystack.AsSpan().IndexOf(needle) < 0, $"The profile files must not contain plaintext or key bytes ({when}).");
        }
    }
}
