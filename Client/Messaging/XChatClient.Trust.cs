using XChat.Client.Ratchet;
using XChat.Client.Storage;
using XChat.Client.Verification;
using XChat.Protocol;

namespace XChat.Client.Messaging;

// Trust in peers' identity keys, kept per device in the profile (peer_identities): trust on first use;
// sending is refused while (a) a device's key differs from the one this profile saw for that device, or
// (b) the contact was verified and now has a device that was not part of what was verified. Both end with
// VerifyAsync(handle, accept: true), which records the current keys as verified.
public sealed partial class XChatClient
{
    /// <summary>
    /// The safety number with <paramref name="handle"/> and what this device knows about their keys. With
    /// <paramref name="accept"/>, the keys the server shows now become the verified ones (after the user
    /// compared the number): a changed key replaces the old one and its session is started anew.
    /// </summary>
    public async Task<PeerVerification> VerifyAsync(string handle, bool accept = false, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(handle);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var peer = await LookupAsync(handle, cancellationToken).ConfigureAwait(false);
            if (peer.UserId == UserId)
            {
                throw new XChatClientException("A safety number is between two users; name the other user.");
            }

            var own = await LookupAsync(Handle, cancellationToken).ConfigureAwait(false);
            var number = SafetyNumber.Compute(Handle, own.Devices.Select(ToIdentityKey), peer.Handle, peer.Devices.Select(ToIdentityKey));
            if (accept)
            {
                foreach (var device in peer.Devices)
                {
                    var address = new ProtocolAddress(peer.UserId, device.DeviceId);
                    var key = ToIdentityKey(device);
                    if (await _profile.Identities.SaveIdentityAsync(address, key).ConfigureAwait(false))
                    {
                        // The session was agreed with the old key: the next message starts one with the new key.
                        await ((SqliteSessionStore)_profile.Stores.Sessions).DeleteSessionAsync(address).ConfigureAwait(false);
                    }

                    await _profile.Identities.SetTrustAsync(address, PeerTrust.Verified).ConfigureAwait(false);
                }

                _deviceLists[peer.Handle] = peer;
            }

            return new PeerVerification(peer.Handle, number, await TrustStateAsync(peer).ConfigureAwait(false));
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Throws <see cref="IdentityChangedException"/> when sending to <paramref name="peer"/> needs a new verification first.</summary>
    private async Task EnsureTrustedLockedAsync(LookupUserResult peer)
    {
        if (await TrustStateAsync(peer).ConfigureAwait(false) == IdentityTrustState.ChangedSinceVerified)
        {
            throw new IdentityChangedException(peer.Handle);
        }
    }

    private async Task<IdentityTrustState> TrustStateAsync(LookupUserResult peer)
    {
        var known = (await _profile.Identities.ListAsync(peer.UserId).ConfigureAwait(false)).ToDictionary(d => d.Address.DeviceId, d => d.Trust);
        var anyVerified = known.Values.Any(t => t == PeerTrust.Verified);
        var allVerified = peer.Devices.Count > 0;
        foreach (var device in peer.Devices)
        {
            var saved = await _profile.Identities.GetIdentityAsync(new ProtocolAddress(peer.UserId, device.DeviceId)).ConfigureAwait(false);
            if (saved is not null && !saved.Equals(ToIdentityKey(device)))
            {
                return IdentityTrustState.ChangedSinceVerified;
            }

            if (saved is null && anyVerified)
            {
                return IdentityTrustState.ChangedSinceVerified;
            }

            allVerified &= known.GetValueOrDefault(device.DeviceId) == PeerTrust.Verified && saved is not null;
        }

        return allVerified ? IdentityTrustState.Verified : IdentityTrustState.Unverified;
    }
}

/// <summary>The safety number with a contact and the state of their identity keys on this device.</summary>
public sealed record PeerVerification(string Handle, SafetyNumber SafetyNumber, IdentityTrustState State);

/// <summary>
/// Sending was refused: a contact's identity keys changed since this device last saw, verified or accepted
/// them. Compare the new safety number, then accept it (<see cref="XChatClient.VerifyAsync"/> with accept).
/// </summary>
public sealed class IdentityChangedException(string handle)
    : Exception($"The identity keys of '{handle}' changed since you last verified or accepted them: compare the safety number ('xchat verify {handle}'), then accept it ('xchat verify {handle} --accept').")
{
    public string Handle { get; } = handle;
}
