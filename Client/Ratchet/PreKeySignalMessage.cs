using System.Buffers.Binary;
using XChat.Client.Crypto;
using XChat.Client.Errors;
using XChat.Client.Keys;

namespace XChat.Client.Ratchet;

/// <summary>
/// The PQXDH initial message (spec §3.3): Alice's identity key IKA, her ephemeral key EKA, the
/// ML-KEM ciphertext CT, the ids of Bob's prekeys she used, and a Double Ratchet message. Alice
/// sends every message in this form until Bob's first reply reaches her.
/// </summary>
/// <remarks>
/// Wire form: version (1) || IKA (128) || EKA (32) || signed prekey id (4) || KEM prekey id (4) ||
/// has one-time prekey (1) || [one-time prekey id (4)] || CT (1088) || <see cref="SignalMessage"/>.
/// Integers are big-endian.
/// </remarks>
public sealed class PreKeySignalMessage : CiphertextMessage
{
    private const int FixedPrefixSize = 1 + IdentityKey.SerializedSize + X25519.KeySize + 4 + 4 + 1;

    internal PreKeySignalMessage(IdentityKey identityKey, byte[] baseKey, SignedPreKeyId signedPreKeyId, PreKeyId? preKeyId, KyberPreKeyId kyberPreKeyId, byte[] kemCiphertext, SignalMessage message)
    {
        IdentityKey = identityKey;
        BaseKey = baseKey;
        SignedPreKeyId = signedPreKeyId;
        PreKeyId = preKeyId;
        KyberPreKeyId = kyberPreKeyId;
        KemCiphertext = kemCiphertext;
        Message = message;
    }

    public override CiphertextMessageType Type => CiphertextMessageType.PreKey;

    /// <summary>IKA: the sender's identity key.</summary>
    public IdentityKey IdentityKey { get; }

    /// <summary>EKA: the sender's ephemeral public key; it also identifies the session it starts.</summary>
    public byte[] BaseKey { get; }

    public SignedPreKeyId SignedPreKeyId { get; }

    /// <summary>The one-time prekey used, or null when the bundle had none.</summary>
    public PreKeyId? PreKeyId { get; }

    public KyberPreKeyId KyberPreKeyId { get; }

    /// <summary>CT: the ML-KEM-768 ciphertext encapsulated to the KEM prekey.</summary>
    public byte[] KemCiphertext { get; }

    /// <summary>The first Double Ratchet message.</summary>
    public SignalMessage Message { get; }

    /// <summary>Parses a message; throws <see cref="InvalidMessageException"/> when malformed or when IKA's binding does not verify.</summary>
    public static PreKeySignalMessage Deserialize(ReadOnlySpan<byte> serialized)
    {
        if (serialized.Length < FixedPrefixSize)
        {
            throw new InvalidMessageException("The initial message is too short.");
        }

        if (serialized[0] != CurrentVersion)
        {
            throw new InvalidMessageException("Unsupported initial message version.");
        }

        IdentityKey identityKey;
        try
        {
            identityKey = IdentityKey.Deserialize(serialized.Slice(1, IdentityKey.SerializedSize));
        }
        catch (InvalidKeyException e)
        {
            throw new InvalidMessageException("The initial message has an invalid identity key.", e);
        }

        var offset = 1 + IdentityKey.SerializedSize;
        var baseKey = serialized.Slice(offset, X25519.KeySize).ToArray();
        offset += X25519.KeySize;
        var signedPreKeyId = new SignedPreKeyId(BinaryPrimitives.ReadUInt32BigEndian(serialized[offset..]));
        var kyberPreKeyId = new KyberPreKeyId(BinaryPrimitives.ReadUInt32BigEndian(serialized[(offset + 4)..]));
        var hasPreKey = serialized[offset + 8];
        offset += 9;
        if (hasPreKey > 1 || serialized.Length < offset + (4 * hasPreKey) + MlKem768.CiphertextSize)
        {
            throw new InvalidMessageException("The initial message is malformed.");
        }

        PreKeyId? preKeyId = null;
        if (hasPreKey == 1)
        {
            preKeyId = new PreKeyId(BinaryPrimitives.ReadUInt32BigEndian(serialized[offset..]));
            offset += 4;
        }

        var kemCiphertext = serialized.Slice(offset, MlKem768.CiphertextSize).ToArray();
        var message = SignalMessage.Deserialize(serialized[(offset + MlKem768.CiphertextSize)..]);
        return new PreKeySignalMessage(identityKey, baseKey, signedPreKeyId, preKeyId, kyberPreKeyId, kemCiphertext, message);
    }

    public override byte[] Serialize()
    {
        var message = Message.Serialize();
        var buffer = new byte[FixedPrefixSize + (PreKeyId is null ? 0 : 4) + MlKem768.CiphertextSize + message.Length];
        buffer[0] = CurrentVersion;
        IdentityKey.Serialize().CopyTo(buffer, 1);
        var offset = 1 + IdentityKey.SerializedSize;
        BaseKey.CopyTo(buffer, offset);
        offset += X25519.KeySize;
        BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(offset), SignedPreKeyId.Value);
        BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(offset + 4), KyberPreKeyId.Value);
        offset += 8;
        buffer[offset++] = PreKeyId is null ? (byte)0 : (byte)1;
        if (PreKeyId is { } preKeyId)
        {
            BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(offset), preKeyId.Value);
            offset += 4;
        }

        KemCiphertext.CopyTo(buffer, offset);
        message.CopyTo(buffer, offset + MlKem768.CiphertextSize);
        return buffer;
    }
}
