using Microsoft.Data.Sqlite;
using XChat.Client.Errors;
using XChat.Client.Groups;
using XChat.Client.Keys;
using XChat.Client.Ratchet;
using XChat.Client.Storage;

namespace XChat.Client.Tests.Storage;

/// <summary>Sender keys and group records in the profile: they survive a restart, and a version-1 profile is migrated.</summary>
public sealed class GroupStorageTests : IDisposable
{
    private const string Passphrase = "correct horse battery staple";
    private static readonly Guid Distribution = Guid.NewGuid();
    private readonly ProfileFixture _alice = new();
    private readonly ProfileFixture _bob = new();

    public void Dispose()
    {
        _alice.Dispose();
        _bob.Dispose();
    }

    [Fact]
    public async Task SenderKeys_StoredAndReopened_ContinueBothChains_AndKeepSkippedKeys()
    {
        var aliceName = new SenderKeyName(Distribution, new ProtocolAddress("alice", 1));
        var alice = _alice.Create(IdentityKeyPair.Generate(), Passphrase);
        var bob = _bob.Create(IdentityKeyPair.Generate(), Passphrase);
        var distribution = await new GroupSessionBuilder(alice.SenderKeys).CreateAsync(aliceName);
        await new GroupSessionBuilder(bob.SenderKeys).ProcessAsync(aliceName, SenderKeyDistributionMessage.Deserialize(distribution.Serialize()));
        var sent = new List<SenderKeyMessage>();
        for (var i = 0; i < 3; i++)
        {
            sent.Add(await new GroupCipher(alice.SenderKeys, aliceName).EncryptAsync(System.Text.Encoding.UTF8.GetBytes($"m{i}")));
        }

        // Bob reads the last one first: the two before become skipped keys, which must survive the restart.
        Assert.Equal("m2"u8.ToArray(), await new GroupCipher(bob.SenderKeys, aliceName).DecryptAsync(sent[2]));
        alice.Dispose();
        bob.Dispose();
        alice = DeviceProfile.Open(_alice.Directory, Passphrase);
        bob = DeviceProfile.Open(_bob.Directory, Passphrase);
        try
        {
            Assert.Equal("m0"u8.ToArray(), await new GroupCipher(bob.SenderKeys, aliceName).DecryptAsync(sent[0]));
            Assert.Equal("m1"u8.ToArray(), await new GroupCipher(bob.SenderKeys, aliceName).DecryptAsync(sent[1]));
            await Assert.ThrowsAsync<DuplicateMessageException>(() => new GroupCipher(bob.SenderKeys, aliceName).DecryptAsync(sent[1]));

            // Alice's chain continues where it stopped (no iteration is reused).
            var next = await new GroupCipher(alice.SenderKeys, aliceName).EncryptAsync("m3"u8.ToArray());
            Assert.Equal(3u, next.Iteration);
            Assert.Equal("m3"u8.ToArray(), await new GroupCipher(bob.SenderKeys, aliceName).DecryptAsync(next));
        }
        finally
        {
            alice.Dispose();
            bob.Dispose();
        }
    }

    [Fact]
    public async Task GroupRecord_IsStoredEncrypted_AndReadBack()
    {
        var marker = $"name-{Guid.NewGuid():N}";
        using (var profile = _alice.Create(IdentityKeyPair.Generate(), Passphrase))
        {
            await profile.Groups.SaveAsync(new StoredGroup("g_1", marker, "u1", [new GroupMember("u1", "alice"), new GroupMember("u2", "bob")], 4, ["u2.1"]));
        }

        Assert.True(_alice.RawDatabaseBytes().AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(marker)) < 0, "the group's name is encrypted at rest");
        using var reopened = DeviceProfile.Open(_alice.Directory, Passphrase);
        var group = await reopened.Groups.GetAsync("g_1");
        Assert.NotNull(group);
        Assert.Equal(marker, group.Name);
        Assert.Equal(["alice", "bob"], group.Members.Select(m => m.Handle));
        Assert.Equal(["u2.1"], group.SenderKeyHolders);
        Assert.Null(await reopened.Groups.GetAsync("g_2"));
    }

    [Fact]
    public async Task Open_Version1Profile_MigratesToTheCurrentLayout_AndKeepsItsData()
    {
        var identity = IdentityKeyPair.Generate();
        using (var profile = _alice.Create(identity, Passphrase))
        {
            await profile.Contacts.SetAsync("bob", "u2");
        }

        // What a profile written before groups looks like.
        _alice.RawExecute("DROP TABLE sender_keys; DROP TABLE groups; PRAGMA user_version = 1;");

        using (var migrated = DeviceProfile.Open(_alice.Directory, Passphrase))
        {
            Assert.Equal("u2", await migrated.Contacts.GetUserIdAsync("bob"));
            Assert.Equal(identity.PublicKey, (await migrated.Identities.GetIdentityKeyPairAsync()).PublicKey);
            var name = new SenderKeyName(Distribution, new ProtocolAddress("alice", 1));
            await new GroupSessionBuilder(migrated.SenderKeys).CreateAsync(name);
            Assert.NotNull(await migrated.SenderKeys.LoadSenderKeyAsync(name));
        }

        Assert.Equal(ProfileSchema.Version, UserVersion());
    }

    [Fact]
    public void Open_ProfileOfANewerLayout_IsRefused()
    {
        _alice.Create(IdentityKeyPair.Generate(), Passphrase).Dispose();
        _alice.RawExecute($"PRAGMA user_version = {ProfileSchema.Version + 1};");
        var error = Assert.Throws<ProfileCorruptException>(() => DeviceProfile.Open(_alice.Directory, Passphrase));
        Assert.Contains("layout version", error.Message);
    }

    private long UserVersion()
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _alice.DatabasePath, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version";
        return (long)command.ExecuteScalar()!;
    }
}
