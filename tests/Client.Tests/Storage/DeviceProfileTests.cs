using System.Security.Cryptography;
using XChat.Client.Keys;
using XChat.Client.Ratchet;
using XChat.Client.Storage;

namespace XChat.Client.Tests.Storage;

public sealed class DeviceProfileTests : IDisposable
{
    private const string Passphrase = "correct horse battery staple";
    private readonly ProfileFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public async Task Open_AfterClose_EverythingStoredIsBack()
    {
        var identity = IdentityKeyPair.Generate();
        var peer = IdentityKeyPair.Generate();
        var peerAddress = new ProtocolAddress("bob", 2);
        var preKey = PreKeyRecord.GenerateBatch(new PreKeyId(7), 1)[0];
        var signedPreKey = SignedPreKeyRecord.Generate(identity, new SignedPreKeyId(3), DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123));
        var kyberPreKey = KyberPreKeyRecord.Generate(identity, new KyberPreKeyId(9), isLastResort: true, DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_456));
        var sentAt = DateTimeOffset.FromUnixTimeMilliseconds(1_750_000_000_000);
        using (var profile = _fixture.Create(identity, Passphrase))
        {
            await profile.Stores.PreKeys.StorePreKeyAsync(preKey);
            await profile.Stores.SignedPreKeys.StoreSignedPreKeyAsync(signedPreKey);
            await profile.Stores.KyberPreKeys.StoreKyberPreKeyAsync(kyberPreKey);
            await profile.Stores.Identities.SaveIdentityAsync(peerAddress, peer.PublicKey);
            await profile.Identities.SetTrustAsync(peerAddress, PeerTrust.Verified);
            await profile.Contacts.SetAsync("bob", "user-42");
            await profile.Messages.AddAsync(new StoredMessage("dm:bob", 1, "bob", "hello there", sentAt));
            await profile.Messages.AddAsync(new StoredMessage("dm:bob", 2, "alice", "general kenobi ✓", sentAt.AddSeconds(1)));
        }

        using var reopened = DeviceProfile.Open(_fixture.Directory, Passphrase);

        var storedIdentity = await reopened.Stores.Identities.GetIdentityKeyPairAsync();
        Assert.Equal(identity.Signing.PrivateKey, storedIdentity.Signing.PrivateKey);
        Assert.Equal(identity.Agreement.PrivateKey, storedIdentity.Agreement.PrivateKey);
        Assert.Equal(identity.PublicKey, storedIdentity.PublicKey);
        Assert.Equal(preKey.KeyPair.PrivateKey, (await reopened.Stores.PreKeys.LoadPreKeyAsync(preKey.Id))!.KeyPair.PrivateKey);
        var signed = await reopened.Stores.SignedPreKeys.LoadSignedPreKeyAsync(signedPreKey.Id);
        Assert.Equal(signedPreKey.Signature, signed!.Signature);
        Assert.Equal(signedPreKey.CreatedAt, signed.CreatedAt);
        var kyber = await reopened.Stores.KyberPreKeys.LoadKyberPreKeyAsync(kyberPreKey.Id);
        Assert.Equal(kyberPreKey.KeyPair.PrivateKey, kyber!.KeyPair.PrivateKey);
        Assert.True(kyber.IsLastResort);
        Assert.Equal(peer.PublicKey, await reopened.Stores.Identities.GetIdentityAsync(peerAddress));
        Assert.Equal(PeerTrust.Verified, await reopened.Identities.GetTrustAsync(peerAddress));
        Assert.Equal("user-42", await reopened.Contacts.GetUserIdAsync("bob"));
        Assert.Equal("bob", await reopened.Contacts.GetHandleAsync("user-42"));
        var history = await reopened.Messages.GetAsync("dm:bob");
        Assert.Equal(
            [new StoredMessage("dm:bob", 1, "bob", "hello there", sentAt), new StoredMessage("dm:bob", 2, "alice", "general kenobi ✓", sentAt.AddSeconds(1))],
            history);
        Assert.Equal(2, await reopened.Messages.GetCursorAsync("dm:bob"));
    }

    [Fact]
    public async Task Open_WrongPassphrase_ThrowsWrongPassphraseAndChangesNothing()
    {
        using (var profile = _fixture.Create(IdentityKeyPair.Generate(), Passphrase))
        {
            await profile.Contacts.SetAsync("bob", "user-42");
        }

        var before = SHA256.HashData(_fixture.RawDatabaseBytes());

        Assert.Throws<WrongPassphraseException>(() => DeviceProfile.Open(_fixture.Directory, "correct horse battery stapler"));
        Assert.Throws<WrongPassphraseException>(() => DeviceProfile.Open(_fixture.Directory, passphrase: null));
        Assert.Equal(before, SHA256.HashData(_fixture.RawDatabaseBytes()));
        using var reopened = DeviceProfile.Open(_fixture.Directory, Passphrase);
        Assert.Equal("user-42", await reopened.Contacts.GetUserIdAsync("bob"));
    }

    [Fact]
    public async Task Create_DefaultArgon2idCost_OpensWithPassphrase()
    {
        var identity = IdentityKeyPair.Generate();
        DeviceProfile.Create(_fixture.Directory, identity, Passphrase).Dispose();

        using var reopened = DeviceProfile.Open(_fixture.Directory, Passphrase);

        Assert.Equal(identity.PublicKey, (await reopened.Stores.Identities.GetIdentityKeyPairAsync()).PublicKey);
    }

    [Fact]
    public async Task Create_WithoutPassphrase_KeyFileIsOwnerOnlyAndOpensProfile()
    {
        var identity = IdentityKeyPair.Generate();
        _fixture.Create(identity, passphrase: null).Dispose();
        var keyFile = Path.Combine(_fixture.Directory, DeviceProfile.KeyFileName);

        Assert.Equal(32, new FileInfo(keyFile).Length);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        }

        using (var reopened = DeviceProfile.Open(_fixture.Directory))
        {
            Assert.Equal(identity.PublicKey, (await reopened.Stores.Identities.GetIdentityKeyPairAsync()).PublicKey);
        }

        Assert.Throws<WrongPassphraseException>(() => DeviceProfile.Open(_fixture.Directory, Passphrase));
        File.WriteAllBytes(keyFile, RandomNumberGenerator.GetBytes(32));
        Assert.Throws<WrongPassphraseException>(() => DeviceProfile.Open(_fixture.Directory));
    }

    [Fact]
    public void Create_WhereProfileExists_Throws()
    {
        _fixture.Create(IdentityKeyPair.Generate()).Dispose();

        Assert.Throws<IOException>(() => _fixture.Create(IdentityKeyPair.Generate()));
    }

    [Fact]
    public void Open_EmptyDirectory_ThrowsFileNotFound()
    {
        Directory.CreateDirectory(_fixture.Directory);

        Assert.Throws<FileNotFoundException>(() => DeviceProfile.Open(_fixture.Directory, Passphrase));
    }
}
