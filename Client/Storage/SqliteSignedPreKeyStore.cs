using XChat.Client.Keys;
using XChat.Client.Ratchet;

namespace XChat.Client.Storage;

/// <summary>Signed X25519 prekeys in the profile.</summary>
public sealed class SqliteSignedPreKeyStore : ISignedPreKeyStore
{
    private const string Table = "signed_prekeys";
    private readonly ProfileDatabase _database;

    internal SqliteSignedPreKeyStore(ProfileDatabase database) => _database = database;

    public Task<SignedPreKeyRecord?> LoadSignedPreKeyAsync(SignedPreKeyId id)
    {
        var bytes = _database.LoadSecret(Table, "id", (long)id.Value, "record");
        return Task.FromResult(bytes is null ? null : KeyRecordCodec.ReadSignedPreKey(bytes));
    }

    public Task StoreSignedPreKeyAsync(SignedPreKeyRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        _database.StoreSecret(Table, "id", (long)record.Id.Value, "record", KeyRecordCodec.Write(record));
        return Task.CompletedTask;
    }

    public Task RemoveSignedPreKeyAsync(SignedPreKeyId id)
    {
        _database.Delete(Table, "id", (long)id.Value);
        return Task.CompletedTask;
    }
}
