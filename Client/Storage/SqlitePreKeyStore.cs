using XChat.Client.Keys;
using XChat.Client.Ratchet;

namespace XChat.Client.Storage;

/// <summary>One-time X25519 prekeys in the profile; removing one deletes its row (secure_delete overwrites it).</summary>
public sealed class SqlitePreKeyStore : IPreKeyStore
{
    private const string Table = "prekeys";
    private readonly ProfileDatabase _database;

    internal SqlitePreKeyStore(ProfileDatabase database) => _database = database;

    public Task<PreKeyRecord?> LoadPreKeyAsync(PreKeyId id)
    {
        var bytes = _database.LoadSecret(Table, "id", (long)id.Value, "record");
        return Task.FromResult(bytes is null ? null : KeyRecordCodec.ReadPreKey(bytes));
    }

    public Task StorePreKeyAsync(PreKeyRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        _database.StoreSecret(Table, "id", (long)record.Id.Value, "record", KeyRecordCodec.Write(record));
        return Task.CompletedTask;
    }

    public Task RemovePreKeyAsync(PreKeyId id)
    {
        _database.Delete(Table, "id", (long)id.Value);
        return Task.CompletedTask;
    }
}
