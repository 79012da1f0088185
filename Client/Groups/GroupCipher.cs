using XChat.Client.Errors;

namespace XChat.Client.Groups;

/// <summary>
/// Encrypts this device's group messages and decrypts one member device's (libsignal's GroupCipher).
/// Calls for one <see cref="SenderKeyName"/> must not overlap; the caller serializes them.
/// </summary>
public sealed class GroupCipher(ISenderKeyStore store, SenderKeyName name)
{
    /// <summary>Encrypts with our current chain: one chain step, AES-256-GCM, then an Ed25519 signature.</summary>
    /// <exception cref="NoSessionException">No sender key was created for this group (see <see cref="GroupSessionBuilder.CreateAsync"/>).</exception>
    public async Task<SenderKeyMessage> EncryptAsync(ReadOnlyMemory<byte> plaintext)
    {
        var record = await store.LoadSenderKeyAsync(name);
        var state = record?.Current;
        if (record is null || state?.SigningPrivateKey is null)
        {
            throw new NoSessionException("No sender key of ours for this group: create one first.");
        }

        var (iteration, seed) = state.NextSendingKey();
        var header = SenderKeyMessage.EncodeHeader(name.DistributionId, state.ChainId, iteration);
        var ciphertext = SenderKeyKdf.Encrypt(seed, plaintext.Span, header);
        var message = SenderKeyMessage.Create(header, ciphertext, new Crypto.Ed25519KeyPair(state.SigningPrivateKey, state.SigningPublicKey));
        await store.StoreSenderKeyAsync(name, record);
        return message;
    }

    /// <summary>
    /// Checks the signature, then moves the sender's chain to the message's iteration and decrypts.
    /// Nothing is stored unless the message authenticates.
    /// </summary>
    /// <exception cref="NoSessionException">We hold no chain of this sender with the message's chain id (never received, or rotated away from us).</exception>
    /// <exception cref="DuplicateMessageException">The message's key was already used.</exception>
    /// <exception cref="InvalidMessageException">Bad signature, failed decryption, another group, or too far ahead.</exception>
    public async Task<byte[]> DecryptAsync(SenderKeyMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.DistributionId != name.DistributionId)
        {
            throw new InvalidMessageException("The group message is for another group.");
        }

        var record = await store.LoadSenderKeyAsync(name)
            ?? throw new NoSessionException("No sender key from this member for this group.");
        var state = record.FindState(message.ChainId)
            ?? throw new NoSessionException("No sender key from this member for this chain.");

        // Verify first: a message that is not the sender's must not make us derive or drop any keys.
        if (!Crypto.Ed25519.Verify(state.SigningPublicKey, message.SignedPart, message.Signature))
        {
            throw new InvalidMessageException("The group message's signature is not valid.");
        }

        var seed = state.ReceivingKey(message.Iteration);
        if (!SenderKeyKdf.TryDecrypt(seed, message.Ciphertext, message.Header, out var plaintext))
        {
            throw new InvalidMessageException("The group message failed authentication.");
        }

        await store.StoreSenderKeyAsync(name, record);
        return plaintext;
    }
}
