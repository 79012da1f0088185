using XChat.Client.Errors;
using XChat.Client.Keys;

namespace XChat.Client.Verification;

/// <summary>
/// The local user's trust decisions about contacts' identity keys: trust on first use, a change is
/// detected and blocks sending until the user re-verifies (compares the safety number) or accepts.
/// </summary>
/// <remarks>A contact's keys are the set of all its device identity keys, as in <see cref="SafetyNumber"/>.</remarks>
public sealed class IdentityVerification(string localHandle, Func<IReadOnlyList<IdentityKey>> localKeys)
{
    private readonly Dictionary<string, IdentityTrustRecord> _records = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Records the keys a contact presents now (from the server's device list or a session); returns the updated record.</summary>
    public IdentityTrustRecord Observe(string handle, IReadOnlyList<IdentityKey> keys)
    {
        ArgumentException.ThrowIfNullOrEmpty(handle);
        var current = Normalize(keys);
        lock (_lock)
        {
            if (!_records.TryGetValue(handle, out var record))
            {
                record = new IdentityTrustRecord(handle, current, current, IdentityTrustState.Unverified, WasVerified: false);
            }
            else if (SameKeys(current, record.AcceptedKeys))
            {
                // Back to the accepted keys (for example a device link was undone): the earlier state holds again.
                record = record with { CurrentKeys = current, State = record.WasVerified ? IdentityTrustState.Verified : IdentityTrustState.Unverified };
            }
            else
            {
                record = record with { CurrentKeys = current, State = IdentityTrustState.ChangedSinceVerified };
            }

            _records[handle] = record;
            return record;
        }
    }

    /// <summary>The record of <paramref name="handle"/>, or null when its keys were never seen.</summary>
    public IdentityTrustRecord? Get(string handle)
    {
        lock (_lock)
        {
            return _records.GetValueOrDefault(handle);
        }
    }

    /// <summary>The safety number to show for <paramref name="handle"/>'s current keys.</summary>
    public SafetyNumber SafetyNumberOf(string handle) =>
        SafetyNumber.Compute(localHandle, localKeys(), handle, Require(handle).CurrentKeys);

    /// <summary>
    /// The user compared <paramref name="compared"/> with the contact and they matched: the current keys
    /// become verified. Throws when the keys changed since that number was shown.
    /// </summary>
    public IdentityTrustRecord MarkVerified(string handle, SafetyNumber compared)
    {
        ArgumentNullException.ThrowIfNull(compared);
        lock (_lock)
        {
            var record = Require(handle);
            if (!compared.Equals(SafetyNumberOf(handle)))
            {
                throw new InvalidOperationException("The keys changed since this safety number was shown: compare the new one.");
            }

            return _records[handle] = record with { AcceptedKeys = record.CurrentKeys, State = IdentityTrustState.Verified, WasVerified = true };
        }
    }

    /// <summary>The explicit accept: the current (changed) keys are used without verification.</summary>
    public IdentityTrustRecord Accept(string handle)
    {
        lock (_lock)
        {
            var record = Require(handle);
            return _records[handle] = record with { AcceptedKeys = record.CurrentKeys, State = IdentityTrustState.Unverified, WasVerified = false };
        }
    }

    /// <summary>Call before sending: throws <see cref="UntrustedIdentityException"/> while the contact's keys changed and were not accepted.</summary>
    public void EnsureCanSend(string handle)
    {
        var record = Get(handle);
        if (record is { CanSend: false })
        {
            throw new UntrustedIdentityException(handle);
        }
    }

    private IdentityTrustRecord Require(string handle) =>
        Get(handle) ?? throw new InvalidOperationException("No identity keys were seen for this contact.");

    private static IdentityKey[] Normalize(IReadOnlyList<IdentityKey> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        SafetyNumber.EncodeKeys(keys); // validates: at least one key
        return keys.Distinct().OrderBy(key => Convert.ToHexString(key.EncodeForAssociatedData()), StringComparer.Ordinal).ToArray();
    }

    private static bool SameKeys(IReadOnlyList<IdentityKey> a, IReadOnlyList<IdentityKey> b) => a.SequenceEqual(b);
}
