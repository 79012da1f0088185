namespace XChat.Client.Ratchet;

/// <summary>Keeps records serialized, so every load is an independent copy, as from a real store.</summary>
public sealed class InMemorySessionStore : ISessionStore
{
    private readonly Dictionary<ProtocolAddress, byte[]> _records = [];
    private readonly Lock _lock = new();

    public Task<SessionRecord?> LoadSessionAsync(ProtocolAddress address)
    {
        lock (_lock)
        {
            return Task.FromResult(_records.TryGetValue(address, out var bytes) ? SessionRecord.Deserialize(bytes) : null);
        }
    }

    public Task StoreSessionAsync(ProtocolAddress address, SessionRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var bytes = record.Serialize();
        lock (_lock)
        {
            _records[address] = bytes;
        }

        return Task.CompletedTask;
    }
}
