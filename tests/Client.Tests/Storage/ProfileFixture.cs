using Microsoft.Data.Sqlite;
using XChat.Client.Keys;
using XChat.Client.Ratchet;
using XChat.Client.Storage;

namespace XChat.Client.Tests.Storage;

/// <summary>A temporary profile directory, deleted at the end, with helpers to open it and to read its raw files.</summary>
internal sealed class ProfileFixture : IDisposable
{
    /// <summary>A cheap Argon2id cost so tests stay fast; one test uses the default cost.</summary>
    public static readonly PassphraseKdfParameters FastKdf = new(MemoryKiB: 1024, Iterations: 1, Parallelism: 1);

    public ProfileFixture()
    {
        Directory = Path.Combine(Path.GetTempPath(), "xchat-profile-" + Guid.NewGuid().ToString("N"));
    }

    public string Directory { get; }

    public string DatabasePath => Path.Combine(Directory, DeviceProfile.DatabaseFileName);

    public DeviceProfile Create(IdentityKeyPair identity, string? passphrase = "correct horse battery staple") =>
        DeviceProfile.Create(Directory, identity, passphrase, FastKdf);

    /// <summary>The database, its WAL and any other file in the directory except the key file, concatenated.</summary>
    public byte[] RawDatabaseBytes()
    {
        using var all = new MemoryStream();
        foreach (var file in System.IO.Directory.GetFiles(Directory).Where(f => Path.GetFileName(f) != DeviceProfile.KeyFileName))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            stream.CopyTo(all);
        }

        return all.ToArray();
    }

    /// <summary>Runs SQL on the closed profile's database directly, as an attacker with the file would.</summary>
    public void RawExecute(string sql)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public void Dispose()
    {
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }
}

/// <summary>A device whose stores are a profile: publishes bundles, sends and receives as the server would carry it.</summary>
internal sealed class ProfileDevice(ProtocolAddress address, DeviceProfile profile)
{
    private uint _nextKeyId = 1;

    public ProtocolAddress Address { get; } = address;

    public DeviceProfile Profile { get; set; } = profile;

    public async Task<PreKeyBundle> PublishBundleAsync()
    {
        var identity = await Profile.Stores.Identities.GetIdentityKeyPairAsync();
        var id = _nextKeyId++;
        var signedPreKey = SignedPreKeyRecord.Generate(identity, new SignedPreKeyId(id), DateTimeOffset.UnixEpoch);
        var preKey = PreKeyRecord.GenerateBatch(new PreKeyId(id), 1)[0];
        var kyberPreKey = KyberPreKeyRecord.Generate(identity, new KyberPreKeyId(id), isLastResort: false, DateTimeOffset.UnixEpoch);
        await Profile.Stores.SignedPreKeys.StoreSignedPreKeyAsync(signedPreKey);
        await Profile.Stores.PreKeys.StorePreKeyAsync(preKey);
        await Profile.Stores.KyberPreKeys.StoreKyberPreKeyAsync(kyberPreKey);
        return PreKeyBundle.From(Address.DeviceId, identity.PublicKey, signedPreKey, preKey, kyberPreKey);
    }

    public async Task<(CiphertextMessageType Type, byte[] Bytes)> SendAsync(ProfileDevice peer, string text)
    {
        var message = await new SessionCipher(Profile.Stores, peer.Address).EncryptAsync(System.Text.Encoding.UTF8.GetBytes(text));
        return (message.Type, message.Serialize());
    }

    public async Task<string> ReceiveAsync(ProfileDevice peer, (CiphertextMessageType Type, byte[] Bytes) wire)
    {
        var plaintext = await new SessionCipher(Profile.Stores, peer.Address).DecryptAsync(CiphertextMessage.Deserialize(wire.Type, wire.Bytes));
        return System.Text.Encoding.UTF8.GetString(plaintext);
    }
}
