using XChat.Client.Errors;

namespace XChat.Client.Ratchet;

/// <summary>
/// Encrypts to and decrypts from one peer device over its session. Nothing is stored unless the
/// operation succeeds: a forged, tampered or replayed message leaves the session as it was.
/// Calls for one address must not overlap (the caller serializes them, as with libsignal).
/// </summary>
public sealed class SessionCipher(ProtocolStores stores, ProtocolAddress remoteAddress)
{
    /// <summary>
    /// Encrypts with the current session: a <see cref="PreKeySignalMessage"/> until the peer has
    /// replied, then a <see cref="SignalMessage"/>. Throws <see cref="NoSessionException"/> without a
    /// session and <see cref="UntrustedIdentityException"/> when the peer's identity is no longer trusted.
    /// </summary>
    public async Task<CiphertextMessage> EncryptAsync(ReadOnlyMemory<byte> plaintext)
    {
        var record = await stores.Sessions.LoadSessionAsync(remoteAddress);
        var state = record?.CurrentState ?? throw new NoSessionException($"No session with {remoteAddress}.");
        if (!await stores.Identities.IsTrustedIdentityAsync(remoteAddress, state.RemoteIdentity, IdentityDirection.Sending))
        {
            throw new UntrustedIdentityException(remoteAddress.ToString());
        }

        var message = DoubleRatchet.Encrypt(state, plaintext.Span);
        CiphertextMessage result = state.PendingPreKey is { } pending
            ? new PreKeySignalMessage(state.LocalIdentity, state.BaseKey, pending.SignedPreKeyId, pending.PreKeyId, pending.KyberPreKeyId, pending.KemCiphertext, message)
            : message;
        await stores.Sessions.StoreSessionAsync(remoteAddress, record);
        return result;
    }

    /// <summary>Decrypts either kind of message.</summary>
    public Task<byte[]> DecryptAsync(CiphertextMessage message) => message switch
    {
        PreKeySignalMessage preKeyMessage => DecryptAsync(preKeyMessage),
        SignalMessage signalMessage => DecryptAsync(signalMessage),
        _ => throw new ArgumentException("Unknown message kind.", nameof(message)),
    };

    /// <summary>
    /// Decrypts an initial message: builds the responder's session (or finds the one an earlier
    /// initial message with the same base key built), decrypts, and only then consumes the one-time
    /// prekeys and stores the session.
    /// </summary>
    public async Task<byte[]> DecryptAsync(PreKeySignalMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!await stores.Identities.IsTrustedIdentityAsync(remoteAddress, message.IdentityKey, IdentityDirection.Receiving))
        {
            throw new UntrustedIdentityException(remoteAddress.ToString());
        }

        var record = await stores.Sessions.LoadSessionAsync(remoteAddress) ?? new SessionRecord();
        var responder = await new SessionBuilder(stores, remoteAddress).ProcessAsync(record, message);
        var plaintext = DoubleRatchet.Decrypt(responder.State, message.Message);

        if (responder.PreKeysUsed is { } used)
        {
            // The KEM mark comes first: it is the one that can refuse (a replay on the last-resort key).
            await stores.KyberPreKeys.MarkKyberPreKeyUsedAsync(used.KyberPreKeyId, used.SignedPreKeyId, message.BaseKey);
            if (used.PreKeyId is { } preKeyId)
            {
                await stores.PreKeys.RemovePreKeyAsync(preKeyId);
            }

            record.PromoteNewState(responder.State);
        }
        else
        {
            record.PromoteUpdatedState(responder.ExistingIndex, responder.State);
        }

        await stores.Identities.SaveIdentityAsync(remoteAddress, message.IdentityKey);
        await stores.Sessions.StoreSessionAsync(remoteAddress, record);
        return plaintext;
    }

    /// <summary>
    /// Decrypts a message of an established session, trying the current state and then the archived
    /// ones. Throws <see cref="DuplicateMessageException"/> for a message already received,
    /// <see cref="InvalidMessageException"/> when no state can authenticate it.
    /// </summary>
    public async Task<byte[]> DecryptAsync(SignalMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var record = await stores.Sessions.LoadSessionAsync(remoteAddress);
        if (record is null || !record.HasCurrentState)
        {
            throw new NoSessionException($"No session with {remoteAddress}.");
        }

        DuplicateMessageException? duplicate = null;
        for (var i = 0; i < record.States.Count; i++)
        {
            var copy = record.States[i].Clone();
            byte[] plaintext;
            try
            {
                plaintext = DoubleRatchet.Decrypt(copy, message);
            }
            catch (DuplicateMessageException e)
            {
                duplicate ??= e;
                continue;
            }
            catch (InvalidMessageException)
            {
                continue;
            }

            if (!await stores.Identities.IsTrustedIdentityAsync(remoteAddress, copy.RemoteIdentity, IdentityDirection.Receiving))
            {
                throw new UntrustedIdentityException(remoteAddress.ToString());
            }

            record.PromoteUpdatedState(i, copy);
            await stores.Sessions.StoreSessionAsync(remoteAddress, record);
            return plaintext;
        }

        throw (SessionException?)duplicate ?? new InvalidMessageException("No session state could decrypt the message.");
    }
}
