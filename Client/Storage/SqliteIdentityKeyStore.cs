using XChat.Client.Keys;
using XChat.Client.Ratchet;

namespace XChat.Client.Storage;

/// <summary>
/// This device's identity and the peers' identity keys with their <see cref="PeerTrust"/>, in the
/// profile. Trust on first use, as <see cref="InMemoryIdentityKeyStore"/>: a different key for a
/// known address is untrusted until <see cref="SaveIdentityAsync"/> records it, which resets the
/// trust to <see cref="PeerTrust.Unverified"/>.
/// </summary>
public sealed class SqliteIdentityKeyStore : IIdentityKeyStore
{
    private const string Table = "peer_identities";
    private readonly ProfileDatabase _database;
    private readonly IdentityKeyPair _identity;

    internal SqliteIdentityKeyStore(ProfileDatabase database, IdentityKeyPair identity)
    {
        _database = database;
        _identity = identity;
    }

    public Task<IdentityKeyPair> GetIdentityKeyPairAsync() => Task.FromResult(_identity);

    public Task<bool> IsTrustedIdentityAsync(ProtocolAddress address, IdentityKey identityKey, IdentityDirection direction)
    {
        var known = Load(address);
        return Task.FromResult(known is null || known.Equals(identityKey));
    }

    public Task<bool> SaveIdentityAsync(ProtocolAddress address, IdentityKey identityKey)
    {
        ArgumentNullException.ThrowIfNull(identityKey);
        var replaced = _database.InTransaction(() =>
        {
            var known = Load(address);
            if (identityKey.Equals(known))
            {
                return false;
            }

            var cell = _database.Cipher.Seal(Table, "identity_key", address.ToString(), identityKey.Serialize());
            _database.Execute(
                $"INSERT INTO {Table} (address, identity_key, trust) VALUES ($a, $k, $t) " +
                "ON CONFLICT (address) DO UPDATE SET identity_key = excluded.identity_key, trust = excluded.trust",
                ("$a", address.ToString()), ("$k", cell), ("$t", (int)PeerTrust.Unverified));
            return known is not null;
        });
        return Task.FromResult(replaced);
    }

    public Task<IdentityKey?> GetIdentityAsync(ProtocolAddress address) => Task.FromResult(Load(address));

    /// <summary>The trust recorded for the peer's current key; null when no key is known.</summary>
    public Task<PeerTrust?> GetTrustAsync(ProtocolAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var trust = _database.Query($"SELECT trust FROM {Table} WHERE address = $a", r => (PeerTrust?)r.GetInt32(0), ("$a", address.ToString()));
        return Task.FromResult(trust.SingleOrDefault());
    }

    /// <summary>Records the user's decision about the peer's current key; false when no key is known.</summary>
    public Task<bool> SetTrustAsync(ProtocolAddress address, PeerTrust trust)
    {
        ArgumentNullException.ThrowIfNull(address);
        var changed = _database.Execute($"UPDATE {Table} SET trust = $t WHERE address = $a", ("$t", (int)trust), ("$a", address.ToString()));
        return Task.FromResult(changed == 1);
    }

    /// <summary>Every device of user <paramref name="name"/> whose key is known, with its trust.</summary>
    public Task<IReadOnlyList<(ProtocolAddress Address, PeerTrust Trust)>> ListAsync(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        IReadOnlyList<(ProtocolAddress, PeerTrust)> devices = _database.Query(
            $"SELECT address, trust FROM {Table} WHERE substr(address, 1, length($p)) = $p",
            r => (r.GetString(0), (PeerTrust)r.GetInt32(1)),
            ("$p", name + "."))
            .Where(row => uint.TryParse(row.Item1.AsSpan(name.Length + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _))
            .Select(row => (new ProtocolAddress(name, uint.Parse(row.Item1.AsSpan(name.Length + 1), System.Globalization.CultureInfo.InvariantCulture)), row.Item2))
            .ToList();
        return Task.FromResult(devices);
    }

    private IdentityKey? Load(ProtocolAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var bytes = _database.LoadSecret(Table, "address", address.ToString(), "identity_key");
        return bytes is null ? null : IdentityKey.DeserializeFromOwnRecord(bytes); // AEAD-protected at rest; verified when first saved
    }
}
