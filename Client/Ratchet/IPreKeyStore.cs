using XChat.Client.Keys;

namespace XChat.Client.Ratchet;

/// <summary>This device's one-time X25519 prekeys; a used one is removed so it can never serve a second session.</summary>
public interface IPreKeyStore
{
    Task<PreKeyRecord?> LoadPreKeyAsync(PreKeyId id);

    Task StorePreKeyAsync(PreKeyRecord record);

    Task RemovePreKeyAsync(PreKeyId id);
}
