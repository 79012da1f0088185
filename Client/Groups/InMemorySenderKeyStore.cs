namespace XChat.Client.Groups;

/// <summary>Sender key records in memory; records are copied in and out, as a persistent store would.</summary>
public sealed class InMemorySenderKeyStore : ISenderKeyStore
{
    private readonly Dictionary<SenderKeyName, SenderKeyRecord> _records = [];
    private readonly Lock _lock = new();

    public Task StoreSenderKeyAsync(SenderKeyName name, SenderKeyRecord record)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(record);
        lock (_lock)
        {
            _records[name] = record.Clone();
        }

        return Task.CompletedTask;
    }

    public Task<SenderKeyRecord?> LoadSenderKeyAsync(SenderKeyName name)
    {
        lock (_lock)
        {
            return Task.FromResult(_records.TryGetValue(name, out var record) ? record.Clone() : null);
        }
    }
}
