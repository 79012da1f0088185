using XChat.Client.Groups;

namespace XChat.Client.Storage;

/// <summary>Sender key records in the profile, one encrypted cell per <see cref="SenderKeyName"/>.</summary>
public sealed class SqliteSenderKeyStore : ISenderKeyStore
{
    private readonly ProfileDatabase _database;

    internal SqliteSenderKeyStore(ProfileDatabase database) => _database = database;

    public Task StoreSenderKeyAsync(SenderKeyName name, SenderKeyRecord record)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(record);
        _database.StoreSecret("sender_keys", "name", name.ToString(), "record", record.Serialize());
        return Task.CompletedTask;
    }

    public Task<SenderKeyRecord?> LoadSenderKeyAsync(SenderKeyName name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var bytes = _database.LoadSecret("sender_keys", "name", name.ToString(), "record");
        return Task.FromResult(bytes is null ? null : SenderKeyRecord.Deserialize(bytes));
    }
}
