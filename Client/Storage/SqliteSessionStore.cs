using XChat.Client.Ratchet;

namespace XChat.Client.Storage;

/// <summary>Session records in the profile, one encrypted cell per peer device.</summary>
public sealed class SqliteSessionStore : ISessionStore
{
    private readonly ProfileDatabase _database;

    internal SqliteSessionStore(ProfileDatabase database) => _database = database;

    public Task<SessionRecord?> LoadSessionAsync(ProtocolAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var bytes = _database.LoadSecret("sessions", "address", address.ToString(), "record");
        return Task.FromResult(bytes is null ? null : SessionRecord.Deserialize(bytes));
    }

    public Task StoreSessionAsync(ProtocolAddress address, SessionRecord record)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(record);
        _database.StoreSecret("sessions", "address", address.ToString(), "record", record.Serialize());
        return Task.CompletedTask;
    }

    /// <summary>Forgets the session with <paramref name="address"/>; the next message to it starts a new one from a fresh bundle.</summary>
    public Task DeleteSessionAsync(ProtocolAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        _database.Delete("sessions", "address", address.ToString());
        return Task.CompletedTask;
    }
}
