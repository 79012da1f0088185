using XChat.Client.Errors;
using XChat.Client.Keys;

namespace XChat.Client.Ratchet;

/// <summary>KEM prekeys in memory, with the base keys seen with each last-resort key.</summary>
public sealed class InMemoryKyberPreKeyStore : IKyberPreKeyStore
{
    private readonly Dictionary<KyberPreKeyId, KyberPreKeyRecord> _records = [];
    private readonly HashSet<string> _lastResortUses = [];
    private readonly Lock _lock = new();

    public Task<KyberPreKeyRecord?> LoadKyberPreKeyAsync(KyberPreKeyId id)
    {
        lock (_lock)
        {
            return Task.FromResult(_records.GetValueOrDefault(id));
        }
    }

    public Task StoreKyberPreKeyAsync(KyberPreKeyRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        lock (_lock)
        {
            _records[record.Id] = record;
        }

        return Task.CompletedTask;
    }

    public Task MarkKyberPreKeyUsedAsync(KyberPreKeyId id, SignedPreKeyId signedPreKeyId, ReadOnlyMemory<byte> baseKey)
    {
        lock (_lock)
        {
            if (!_records.TryGetValue(id, out var record))
            {
                throw new InvalidKeyIdException("The KEM prekey is unknown or was already used.");
            }

            if (!record.IsLastResort)
            {
                _records.Remove(id);
            }
            else if (!_lastResortUses.Add($"{id}:{signedPreKeyId}:{Convert.ToHexString(baseKey.Span)}"))
            {
                throw new InvalidMessageException("The initial message was replayed.");
            }
        }

        return Task.CompletedTask;
    }
}
