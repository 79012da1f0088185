using System.Collections.Concurrent;
using XChat.Client.Keys;

namespace XChat.Client.Ratchet;

/// <summary>One-time prekeys in memory.</summary>
public sealed class InMemoryPreKeyStore : IPreKeyStore
{
    private readonly ConcurrentDictionary<PreKeyId, PreKeyRecord> _records = new();

    public Task<PreKeyRecord?> LoadPreKeyAsync(PreKeyId id) => Task.FromResult(_records.GetValueOrDefault(id));

    public Task StorePreKeyAsync(PreKeyRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        _records[record.Id] = record;
        return Task.CompletedTask;
    }

    public Task RemovePreKeyAsync(PreKeyId id)
    {
        _records.TryRemove(id, out _);
        return Task.CompletedTask;
    }
}
