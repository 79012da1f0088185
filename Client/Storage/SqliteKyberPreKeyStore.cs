using XChat.Client.Errors;
using XChat.Client.Keys;
using XChat.Client.Ratchet;

namespace XChat.Client.Storage;

/// <summary>Signed ML-KEM-768 prekeys in the profile, with the base keys seen with each last-resort key.</summary>
public sealed class SqliteKyberPreKeyStore : IKyberPreKeyStore
{
    private const string Table = "kyber_prekeys";
    private readonly ProfileDatabase _database;

    internal SqliteKyberPreKeyStore(ProfileDatabase database) => _database = database;

    public Task<KyberPreKeyRecord?> LoadKyberPreKeyAsync(KyberPreKeyId id) => Task.FromResult(Load(id));

    public Task StoreKyberPreKeyAsync(KyberPreKeyRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        _database.StoreSecret(Table, "id", (long)record.Id.Value, "record", KeyRecordCodec.Write(record));
        return Task.CompletedTask;
    }

    public Task MarkKyberPreKeyUsedAsync(KyberPreKeyId id, SignedPreKeyId signedPreKeyId, ReadOnlyMemory<byte> baseKey)
    {
        // One transaction: two initial messages racing for one one-time key cannot both see it.
        _database.InTransaction(() =>
        {
            var record = Load(id) ?? throw new InvalidKeyIdException("The KEM prekey is unknown or was already used.");
            if (!record.IsLastResort)
            {
                _database.Delete(Table, "id", (long)id.Value);
                return;
            }

            var added = _database.Execute(
                "INSERT OR IGNORE INTO kyber_prekey_uses (kyber_id, signed_id, base_key) VALUES ($k, $s, $b)",
                ("$k", (long)id.Value), ("$s", (long)signedPreKeyId.Value), ("$b", baseKey.ToArray()));
            if (added == 0)
            {
                throw new InvalidMessageException("The initial message was replayed.");
            }
        });
        return Task.CompletedTask;
    }

    private KyberPreKeyRecord? Load(KyberPreKeyId id)
    {
        var bytes = _database.LoadSecret(Table, "id", (long)id.Value, "record");
        return bytes is null ? null : KeyRecordCodec.ReadKyberPreKey(bytes);
    }
}
