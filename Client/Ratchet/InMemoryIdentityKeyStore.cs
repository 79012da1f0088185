using XChat.Client.Keys;

namespace XChat.Client.Ratchet;

/// <summary>
/// Trust on first use: the first identity key seen for an address is trusted, and a different one
/// later is not until <see cref="SaveIdentityAsync"/> records it (the user verified or accepted it).
/// </summary>
public sealed class InMemoryIdentityKeyStore(IdentityKeyPair identity) : IIdentityKeyStore
{
    private readonly Dictionary<ProtocolAddress, IdentityKey> _identities = [];
    private readonly Lock _lock = new();

    public Task<IdentityKeyPair> GetIdentityKeyPairAsync() => Task.FromResult(identity);

    public Task<bool> IsTrustedIdentityAsync(ProtocolAddress address, IdentityKey identityKey, IdentityDirection direction)
    {
        lock (_lock)
        {
            return Task.FromResult(!_identities.TryGetValue(address, out var known) || known.Equals(identityKey));
        }
    }

    public Task<bool> SaveIdentityAsync(ProtocolAddress address, IdentityKey identityKey)
    {
        ArgumentNullException.ThrowIfNull(identityKey);
        lock (_lock)
        {
            var replaced = _identities.TryGetValue(address, out var known) && !known.Equals(identityKey);
            _identities[address] = identityKey;
            return Task.FromResult(replaced);
        }
    }

    public Task<IdentityKey?> GetIdentityAsync(ProtocolAddress address)
    {
        lock (_lock)
        {
            return Task.FromResult(_identities.GetValueOrDefault(address));
        }
    }
}
