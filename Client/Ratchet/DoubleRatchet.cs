// The Double Ratchet algorithm: Trevor Perrin and Moxie Marlinspike, "The Double Ratchet
// Algorithm", revision 1, 2016-11-20, §3 (RatchetInitAlice, RatchetInitBob, RatchetEncrypt,
// RatchetDecrypt, TrySkippedMessageKeys, SkipMessageKeys, DHRatchet) with the X3DH/PQXDH
// integration of §7.1: SK is the initial root key, Bob's signed prekey his first ratchet key pair,
// and the PQXDH associated data the session AD.
using System.Security.Cryptography;
using XChat.Client.Crypto;
using XChat.Client.Errors;
using XChat.Client.Keys;

namespace XChat.Client.Ratchet;

/// <summary>The Double Ratchet state transitions; decryption runs on a copy the caller commits only on success.</summary>
internal static class DoubleRatchet
{
    /// <summary>RatchetInitAlice(SK, bob_dh_public_key) with Bob's signed prekey as his ratchet public key.</summary>
    public static SessionState InitializeAlice(byte[] sharedKey, IdentityKey local, IdentityKey remote, byte[] baseKey, byte[] bobRatchetKey, PendingPreKey pendingPreKey)
    {
        var sending = X25519.GenerateKeyPair();
        var (rootKey, sendingChainKey) = RatchetKdf.Root(sharedKey, Agree(sending, bobRatchetKey));
        return new SessionState
        {
            LocalIdentity = local,
            RemoteIdentity = remote,
            IsInitiator = true,
            BaseKey = baseKey,
            RootKey = rootKey,
            SendingRatchetKey = sending,
            SendingChainKey = sendingChainKey,
            ReceivingRatchetKey = bobRatchetKey,
            PendingPreKey = pendingPreKey,
        };
    }

    /// <summary>RatchetInitBob(SK, bob_dh_key_pair) with the signed prekey pair as the first ratchet key pair.</summary>
    public static SessionState InitializeBob(byte[] sharedKey, IdentityKey local, IdentityKey remote, byte[] baseKey, X25519KeyPair signedPreKey)
    {
        return new SessionState
        {
            LocalIdentity = local,
            RemoteIdentity = remote,
            IsInitiator = false,
            BaseKey = baseKey,
            RootKey = sharedKey,
            SendingRatchetKey = signedPreKey,
        };
    }

    /// <summary>RatchetEncrypt: one step of the sending chain, header, then ENCRYPT with AD || header.</summary>
    public static SignalMessage Encrypt(SessionState state, ReadOnlySpan<byte> plaintext)
    {
        // Only a responder that has not received anything lacks a sending chain, and a responder's
        // state is created by decrypting the first message, so this is a bug, not a peer's doing.
        var chainKey = state.SendingChainKey ?? throw new InvalidOperationException("The session has no sending chain yet.");
        if (state.SendCounter == uint.MaxValue)
        {
            throw new InvalidOperationException("The sending chain is exhausted; the peer must reply before more messages can be sent.");
        }

        // The message is written in place: header, then ciphertext || tag straight from the AEAD.
        Span<byte> messageKey = stackalloc byte[RatchetKdf.KeySize];
        var nextChainKey = RatchetKdf.Chain(chainKey, messageKey);
        var serialized = new byte[SignalMessage.HeaderSize + plaintext.Length + Aes256Gcm.TagSize];
        var header = serialized.AsSpan(0, SignalMessage.HeaderSize);
        SignalMessage.WriteHeader(header, state.SendingRatchetKey.PublicKey, state.PreviousSendCounter, state.SendCounter);
        state.SendingChainKey = nextChainKey;
        state.SendCounter++;
        Span<byte> associatedData = stackalloc byte[SessionState.AssociatedDataSize + SignalMessage.HeaderSize];
        WriteAssociatedData(state, header, associatedData);
        try
        {
            RatchetKdf.Encrypt(messageKey, plaintext, associatedData, serialized.AsSpan(SignalMessage.HeaderSize));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(messageKey);
        }

        return SignalMessage.FromSerialized(serialized);
    }

    /// <summary>
    /// RatchetDecrypt. Changes <paramref name="state"/> even when it throws: call it on a clone and
    /// keep the clone only when it returns (spec §3.5: "changes to the state object are discarded").
    /// </summary>
    public static byte[] Decrypt(SessionState state, SignalMessage message)
    {
        Span<byte> associatedData = stackalloc byte[SessionState.AssociatedDataSize + SignalMessage.HeaderSize];
        WriteAssociatedData(state, message.Header, associatedData);
        if (state.SkippedKeys.TryTake(message.RatchetKey, message.Counter, out var skippedKey))
        {
            return Open(state, skippedKey, message, associatedData);
        }

        if (state.ReceivingRatchetKey is not null && message.RatchetKey.SequenceEqual(state.ReceivingRatchetKey))
        {
            if (state.ReceivingChainKey is null)
            {
                // The initiator's DHr before the first reply is Bob's signed prekey, which Bob never sends with.
                throw new InvalidMessageException("The message uses a ratchet key that has no receiving chain.");
            }

            if (message.Counter < state.ReceiveCounter)
            {
                // Not among the skipped keys and behind the chain: its key was consumed (or dropped).
                throw new DuplicateMessageException("The message was already received.");
            }
        }
        else if (state.FindPreviousReceivingChain(message.RatchetKey) is { } previous)
        {
            throw message.Counter < previous.EndCounter
                ? new DuplicateMessageException("The message was already received, or its key expired.")
                : new InvalidMessageException("The message number is past the end of a finished chain.");
        }
        else
        {
            SkipMessageKeys(state, message.PreviousCounter);
            DhRatchet(state, message.RatchetKey.ToArray());
        }

        SkipMessageKeys(state, message.Counter);
        Span<byte> messageKey = stackalloc byte[RatchetKdf.KeySize];
        state.ReceivingChainKey = RatchetKdf.Chain(state.ReceivingChainKey!, messageKey);
        state.ReceiveCounter++;
        try
        {
            return Open(state, messageKey, message, associatedData);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(messageKey);
        }
    }

    /// <summary>The AEAD's associated data, session AD || encoded header, into <paramref name="destination"/>.</summary>
    private static void WriteAssociatedData(SessionState state, ReadOnlySpan<byte> header, Span<byte> destination)
    {
        var sessionAssociatedData = state.AssociatedData;
        sessionAssociatedData.CopyTo(destination);
        header.CopyTo(destination[sessionAssociatedData.Length..]);
    }

    private static byte[] Open(SessionState state, ReadOnlySpan<byte> messageKey, SignalMessage message, ReadOnlySpan<byte> associatedData)
    {
        if (!RatchetKdf.TryDecrypt(messageKey, message.Ciphertext, associatedData, out var plaintext))
        {
            throw new InvalidMessageException("The message failed authentication.");
        }

        // The peer has the session: the initiator stops repeating the PQXDH initial data.
        state.PendingPreKey = null;
        return plaintext;
    }

    /// <summary>SkipMessageKeys(state, until): stores the keys of messages Nr .. until-1 of the current receiving chain.</summary>
    private static void SkipMessageKeys(SessionState state, uint until)
    {
        if ((ulong)state.ReceiveCounter + SessionLimits.MaxSkip < until)
        {
            throw new InvalidMessageException($"The message skips more than {SessionLimits.MaxSkip} messages.");
        }

        if (state.ReceivingChainKey is null || state.ReceivingRatchetKey is null)
        {
            return;
        }

        var chainKey = state.ReceivingChainKey;
        while (state.ReceiveCounter < until)
        {
            var (messageKey, nextChainKey) = RatchetKdf.Chain(chainKey);
            state.SkippedKeys.Add(state.ReceivingRatchetKey, state.ReceiveCounter, messageKey);
            chainKey = nextChainKey;
            state.ReceiveCounter++;
        }

        state.ReceivingChainKey = chainKey;
        state.SkippedKeys.Trim();
    }

    /// <summary>DHRatchet(state, header): a new receiving chain from the peer's key, then a new sending chain from a fresh key pair.</summary>
    private static void DhRatchet(SessionState state, byte[] ratchetKey)
    {
        if (state.ReceivingRatchetKey is not null)
        {
            state.RetireReceivingChain(state.ReceivingRatchetKey, state.ReceiveCounter);
        }

        state.PreviousSendCounter = state.SendCounter;
        state.SendCounter = 0;
        state.ReceiveCounter = 0;
        state.ReceivingRatchetKey = ratchetKey;
        (state.RootKey, state.ReceivingChainKey) = RatchetKdf.Root(state.RootKey, Agree(state.SendingRatchetKey, ratchetKey));
        state.SendingRatchetKey = X25519.GenerateKeyPair();
        (state.RootKey, state.SendingChainKey) = RatchetKdf.Root(state.RootKey, Agree(state.SendingRatchetKey, ratchetKey));
    }

    private static byte[] Agree(X25519KeyPair keyPair, byte[] peerPublicKey)
    {
        return X25519.TryAgree(keyPair, peerPublicKey, out var secret)
            ? secret
            : throw new InvalidMessageException("The peer's ratchet key is a low-order point.");
    }
}
