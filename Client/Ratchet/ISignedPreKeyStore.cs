using XChat.Client.Keys;

namespace XChat.Client.Ratchet;

/// <summary>This device's signed X25519 prekeys: the current one and those rotated out recently.</summary>
public interface ISignedPreKeyStore
{
    Task<SignedPreKeyRecord?> LoadSignedPreKeyAsync(SignedPreKeyId id);

    Task StoreSignedPreKeyAsync(SignedPreKeyRecord record);

    Task RemoveSignedPreKeyAsync(SignedPreKeyId id);
}
