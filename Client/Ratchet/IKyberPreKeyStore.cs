using XChat.Client.Keys;

namespace XChat.Client.Ratchet;

/// <summary>This device's signed ML-KEM-768 prekeys, one-time and last-resort.</summary>
public interface IKyberPreKeyStore
{
    Task<KyberPreKeyRecord?> LoadKyberPreKeyAsync(KyberPreKeyId id);

    Task StoreKyberPreKeyAsync(KyberPreKeyRecord record);

    /// <summary>
    /// Records that an initial message with base key <paramref name="baseKey"/> used the key. A one-time
    /// key is removed. A last-resort key stays, but the same (key, signed prekey, base key) seen a
    /// second time throws <see cref="Errors.InvalidMessageException"/>: that is a replayed initial
    /// message, which nothing else stops when no one-time X25519 prekey was used.
    /// </summary>
    Task MarkKyberPreKeyUsedAsync(KyberPreKeyId id, SignedPreKeyId signedPreKeyId, ReadOnlyMemory<byte> baseKey);
}
