using System.Buffers.Binary;
using XChat.Client.Crypto;
using XChat.Client.Errors;

namespace XChat.Client.Ratchet;

/// <summary>
/// A Double Ratchet message (spec §3.1 HEADER, §3.4): version (1) || ratchet public key (32) ||
/// PN (4, big-endian) || N (4, big-endian) || AEAD ciphertext with its 16-byte tag. The first 41
/// bytes are the encoded header; CONCAT(AD, header) = session AD || those bytes.
/// </summary>
public sealed class SignalMessage : CiphertextMessage
{
    /// <summary>The size of the encoded header: version, ratchet key, PN, N.</summary>
    public const int HeaderSize = 1 + X25519.KeySize + 4 + 4;

    private readonly byte[] _serialized;

    private SignalMessage(byte[] serialized)
    {
        _serialized = serialized;
    }

    public override CiphertextMessageType Type => CiphertextMessageType.Whisper;

    /// <summary>The sender's current ratchet public key (DHs of the sender).</summary>
    public ReadOnlySpan<byte> RatchetKey => _serialized.AsSpan(1, X25519.KeySize);

    /// <summary>PN: the number of messages in the sender's previous sending chain.</summary>
    public uint PreviousCounter => BinaryPrimitives.ReadUInt32BigEndian(_serialized.AsSpan(1 + X25519.KeySize));

    /// <summary>N: this message's number in its sending chain.</summary>
    public uint Counter => BinaryPrimitives.ReadUInt32BigEndian(_serialized.AsSpan(1 + X25519.KeySize + 4));

    /// <summary>The encoded header, authenticated as part of the associated data.</summary>
    public ReadOnlySpan<byte> Header => _serialized.AsSpan(0, HeaderSize);

    /// <summary>The AEAD ciphertext followed by its tag.</summary>
    public ReadOnlySpan<byte> Ciphertext => _serialized.AsSpan(HeaderSize);

    /// <summary>Parses a message; throws <see cref="InvalidMessageException"/> on a wrong version or a short message.</summary>
    public static SignalMessage Deserialize(ReadOnlySpan<byte> serialized)
    {
        if (serialized.Length < HeaderSize + Aes256Gcm.TagSize)
        {
            throw new InvalidMessageException("The message is too short.");
        }

        if (serialized[0] != CurrentVersion)
        {
            throw new InvalidMessageException("Unsupported message version.");
        }

        return new SignalMessage(serialized.ToArray());
    }

    public override byte[] Serialize() => (byte[])_serialized.Clone();

    /// <summary>HEADER(dh_pair, pn, n) in its encoded form, into the first <see cref="HeaderSize"/> bytes of <paramref name="destination"/>.</summary>
    internal static void WriteHeader(Span<byte> destination, ReadOnlySpan<byte> ratchetKey, uint previousCounter, uint counter)
    {
        destination[0] = CurrentVersion;
        ratchetKey.CopyTo(destination.Slice(1, X25519.KeySize));
        BinaryPrimitives.WriteUInt32BigEndian(destination[(1 + X25519.KeySize)..], previousCounter);
        BinaryPrimitives.WriteUInt32BigEndian(destination[(1 + X25519.KeySize + 4)..], counter);
    }

    /// <summary>Wraps a complete message (header || ciphertext || tag) that the caller built and hands over.</summary>
    internal static SignalMessage FromSerialized(byte[] serialized) => new(serialized);
}
