using XChat.Client.Errors;
using XChat.Client.Keys;

namespace XChat.Client.Ratchet;

/// <summary>
/// Starts sessions with one peer device: from the peer's prekey bundle (the initiator, PQXDH §3.3),
/// or from the peer's initial message (the responder, §3.4). Calls for one address must not overlap.
/// </summary>
public sealed class SessionBuilder(ProtocolStores stores, ProtocolAddress remoteAddress)
{
    /// <summary>
    /// Verifies the bundle, runs PQXDH and stores a new current session whose messages are initial
    /// messages until the peer replies. Throws <see cref="UntrustedIdentityException"/> when the
    /// bundle's identity is not the trusted one and <see cref="InvalidKeyException"/> on a bad signature or key.
    /// </summary>
    public async Task ProcessPreKeyBundleAsync(PreKeyBundle bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        if (!await stores.Identities.IsTrustedIdentityAsync(remoteAddress, bundle.IdentityKey, IdentityDirection.Sending))
        {
            throw new UntrustedIdentityException(remoteAddress.ToString());
        }

        var identity = await stores.Identities.GetIdentityKeyPairAsync();
        var initiation = Pqxdh.Initiate(identity, bundle);
        var pending = new PendingPreKey(bundle.SignedPreKeyId, bundle.PreKeyId, bundle.KyberPreKeyId, initiation.KemCiphertext);
        var state = DoubleRatchet.InitializeAlice(initiation.SharedKey, identity.PublicKey, bundle.IdentityKey, initiation.BaseKey, bundle.SignedPreKey, pending);

        var record = await stores.Sessions.LoadSessionAsync(remoteAddress) ?? new SessionRecord();
        record.PromoteNewState(state);
        await stores.Identities.SaveIdentityAsync(remoteAddress, bundle.IdentityKey);
        await stores.Sessions.StoreSessionAsync(remoteAddress, record);
    }

    /// <summary>
    /// The responder's side: the state for <paramref name="message"/>, new or (for a repeated initial
    /// message) existing. Changes nothing in the stores: the caller commits once the inner message
    /// decrypts, so a forged initial message consumes no prekey.
    /// </summary>
    internal async Task<ResponderSession> ProcessAsync(SessionRecord record, PreKeySignalMessage message)
    {
        var existing = record.FindStateByBaseKey(message.BaseKey);
        if (existing >= 0)
        {
            if (!record.States[existing].RemoteIdentity.Equals(message.IdentityKey))
            {
                throw new InvalidMessageException("The initial message repeats a base key under another identity.");
            }

            return new ResponderSession(existing, record.States[existing].Clone(), null);
        }

        var signedPreKey = await stores.SignedPreKeys.LoadSignedPreKeyAsync(message.SignedPreKeyId)
            ?? throw new InvalidKeyIdException("The signed prekey of the initial message is unknown.");
        var kyberPreKey = await stores.KyberPreKeys.LoadKyberPreKeyAsync(message.KyberPreKeyId)
            ?? throw new InvalidKeyIdException("The KEM prekey of the initial message is unknown or was already used.");
        PreKeyRecord? preKey = null;
        if (message.PreKeyId is { } preKeyId)
        {
            preKey = await stores.PreKeys.LoadPreKeyAsync(preKeyId)
                ?? throw new InvalidKeyIdException("The one-time prekey of the initial message is unknown or was already used.");
        }

        var identity = await stores.Identities.GetIdentityKeyPairAsync();
        var sharedKey = Pqxdh.Respond(identity, signedPreKey, preKey, kyberPreKey, message.IdentityKey, message.BaseKey, message.KemCiphertext);
        var state = DoubleRatchet.InitializeBob(sharedKey, identity.PublicKey, message.IdentityKey, message.BaseKey, signedPreKey.KeyPair);
        return new ResponderSession(-1, state, new PreKeysUsed(message.SignedPreKeyId, message.PreKeyId, message.KyberPreKeyId));
    }
}

/// <summary>The state an initial message is decrypted with: a copy of an existing one (index ≥ 0) or a new one with the prekeys it used.</summary>
internal sealed record ResponderSession(int ExistingIndex, SessionState State, PreKeysUsed? PreKeysUsed);

/// <summary>The responder's prekeys a new session used: removed (one-time) or marked (last-resort) once it is committed.</summary>
internal sealed record PreKeysUsed(SignedPreKeyId SignedPreKeyId, PreKeyId? PreKeyId, KyberPreKeyId KyberPreKeyId);
