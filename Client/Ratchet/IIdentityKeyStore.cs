using XChat.Client.Keys;

namespace XChat.Client.Ratchet;

/// <summary>This device's identity and the trust decisions about peers' identity keys.</summary>
public interface IIdentityKeyStore
{
    Task<IdentityKeyPair> GetIdentityKeyPairAsync();

    /// <summary>True when <paramref name="identityKey"/> may be used for <paramref name="address"/> in that direction.</summary>
    Task<bool> IsTrustedIdentityAsync(ProtocolAddress address, IdentityKey identityKey, IdentityDirection direction);

    /// <summary>Remembers the peer's identity key; true when it replaced a different one (the peer's identity changed).</summary>
    Task<bool> SaveIdentityAsync(ProtocolAddress address, IdentityKey identityKey);

    Task<IdentityKey?> GetIdentityAsync(ProtocolAddress address);
}
