using XChat.Client.Crypto;
using XChat.Client.Errors;

namespace XChat.Client.Groups;

/// <summary>
/// A group message, encrypted once for all members: version || distribution id || chain id ||
/// iteration (the 25-byte header, also the AEAD's associated data) || AES-256-GCM ciphertext with
/// its tag || Ed25519 signature (64) by the sender's chain signing key over everything before it.
/// </summary>
/// <remarks>
/// The signature is what stops one member from forging messages as another: every member holds the
/// chain key, so the AEAD alone only proves "someone in the group".
/// </remarks>
public sealed class SenderKeyMessage
{
    private readonly byte[] _serialized;

    private SenderKeyMessage(byte[] serialized)
    {
        _serialized = serialized;
    }

    public Guid DistributionId => SenderKeyWire.ReadDistributionId(_serialized);

    public uint ChainId => SenderKeyWire.ReadChainId(_serialized);

    public uint Iteration => SenderKeyWire.ReadIteration(_serialized);

    internal ReadOnlySpan<byte> Header => _serialized.AsSpan(0, SenderKeyWire.PrefixSize);

    internal ReadOnlySpan<byte> Ciphertext => _serialized.AsSpan(SenderKeyWire.PrefixSize, _serialized.Length - SenderKeyWire.PrefixSize - Ed25519.SignatureSize);

    internal ReadOnlySpan<byte> SignedPart => _serialized.AsSpan(0, _serialized.Length - Ed25519.SignatureSize);

    internal ReadOnlySpan<byte> Signature => _serialized.AsSpan(_serialized.Length - Ed25519.SignatureSize);

    /// <summary>Parses a message; throws <see cref="InvalidMessageException"/> on a wrong version or a short message.</summary>
    public static SenderKeyMessage Deserialize(ReadOnlySpan<byte> serialized)
    {
        if (serialized.Length < SenderKeyWire.PrefixSize + Aes256Gcm.TagSize + Ed25519.SignatureSize)
        {
            throw new InvalidMessageException("The sender key message is too short.");
        }

        if (serialized[0] != SenderKeyWire.CurrentVersion)
        {
            throw new InvalidMessageException("Unsupported sender key message version.");
        }

        return new SenderKeyMessage(serialized.ToArray());
    }

    public byte[] Serialize() => (byte[])_serialized.Clone();

    internal static byte[] EncodeHeader(Guid distributionId, uint chainId, uint iteration)
    {
        var header = new byte[SenderKeyWire.PrefixSize];
        SenderKeyWire.WritePrefix(header, distributionId, chainId, iteration);
        return header;
    }

    /// <summary>Header || ciphertext, signed with the chain's signing key pair (generated and stored together).</summary>
    internal static SenderKeyMessage Create(ReadOnlySpan<byte> header, ReadOnlySpan<byte> ciphertext, Ed25519KeyPair signingKey)
    {
        byte[] signed = [.. header, .. ciphertext];
        return new SenderKeyMessage([.. signed, .. Ed25519.Sign(signingKey, signed)]);
    }
}
