using XChat.Client.Keys;

namespace XChat.Client.Ratchet;

/// <summary>The five stores a device's sessions need, passed around together.</summary>
public sealed record ProtocolStores(
    ISessionStore Sessions,
    IPreKeyStore PreKeys,
    ISignedPreKeyStore SignedPreKeys,
    IKyberPreKeyStore KyberPreKeys,
    IIdentityKeyStore Identities)
{
    /// <summary>Stores that live in memory only (tests, and as the model for persistent ones).</summary>
    public static ProtocolStores InMemory(IdentityKeyPair identity) => new(
        new InMemorySessionStore(),
        new InMemoryPreKeyStore(),
        new InMemorySignedPreKeyStore(),
        new InMemoryKyberPreKeyStore(),
        new InMemoryIdentityKeyStore(identity));
}
