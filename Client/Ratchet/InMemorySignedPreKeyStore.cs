using System.Collections.Concurrent;
using XChat.Client.Keys;

namespace XChat.Client.Ratchet;

/// <summary>Signed prekeys in memory.</summary>
public sealed class InMemorySignedPreKeyStore : ISignedPreKeyStore
{
    private readonly ConcurrentDictionary<SignedPreKeyId, SignedPreKeyRecord> _records = new();

    public Task<SignedPreKeyRecord?> LoadSignedPreKeyAsync(SignedPreKeyId id) => Task.FromResult(_records.GetValueOrDefault(id));

    public Task StoreSignedPreKeyAsync(SignedPreKeyRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        _records[record.Id] = record;
        return Task.CompletedTask;
    }

    public Task RemoveSignedPreKeyAsync(SignedPreKeyId id)
    {
        _records.TryRemove(id, out _);
        return Task.CompletedTask;
    }
}
