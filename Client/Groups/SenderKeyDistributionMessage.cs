using XChat.Client.Crypto;
using XChat.Client.Errors;

namespace XChat.Client.Groups;

/// <summary>
/// A sender's chain as handed to one group member, over the pairwise Double Ratchet session:
/// version || distribution id || chain id || iteration || chain key (32) || Ed25519 signing public
/// key (32), 89 bytes. Whoever holds it can read every message of the chain from that iteration on,
/// and none before: the chain key only moves forward.
/// </summary>
public sealed class SenderKeyDistributionMessage
{
    public const int SerializedSize = SenderKeyWire.PrefixSize + SenderKeyKdf.KeySize + Ed25519.PublicKeySize;

    private readonly byte[] _chainKey;
    private readonly byte[] _signingKey;

    internal SenderKeyDistributionMessage(Guid distributionId, uint chainId, uint iteration, ReadOnlySpan<byte> chainKey, ReadOnlySpan<byte> signingKey)
    {
        DistributionId = distributionId;
        ChainId = chainId;
        Iteration = iteration;
        _chainKey = chainKey.ToArray();
        _signingKey = signingKey.ToArray();
    }

    public Guid DistributionId { get; }

    /// <summary>A random id of this chain; a new one each time the sender rotates its key.</summary>
    public uint ChainId { get; }

    /// <summary>The chain step <see cref="ChainKey"/> belongs to: the first message the holder can read.</summary>
    public uint Iteration { get; }

    internal ReadOnlySpan<byte> ChainKey => _chainKey;

    /// <summary>The Ed25519 public key every message of the chain is signed with.</summary>
    public ReadOnlySpan<byte> SigningKey => _signingKey;

    /// <summary>Parses the 89-byte form; throws <see cref="InvalidMessageException"/> when malformed.</summary>
    public static SenderKeyDistributionMessage Deserialize(ReadOnlySpan<byte> serialized)
    {
        if (serialized.Length != SerializedSize)
        {
            throw new InvalidMessageException($"A sender key distribution message has {SerializedSize} bytes.");
        }

        if (serialized[0] != SenderKeyWire.CurrentVersion)
        {
            throw new InvalidMessageException("Unsupported sender key distribution message version.");
        }

        var keys = serialized[SenderKeyWire.PrefixSize..];
        return new SenderKeyDistributionMessage(
            SenderKeyWire.ReadDistributionId(serialized),
            SenderKeyWire.ReadChainId(serialized),
            SenderKeyWire.ReadIteration(serialized),
            keys[..SenderKeyKdf.KeySize],
            keys[SenderKeyKdf.KeySize..]);
    }

    public byte[] Serialize()
    {
        var serialized = new byte[SerializedSize];
        SenderKeyWire.WritePrefix(serialized, DistributionId, ChainId, Iteration);
        _chainKey.CopyTo(serialized.AsSpan(SenderKeyWire.PrefixSize));
        _signingKey.CopyTo(serialized.AsSpan(SenderKeyWire.PrefixSize + SenderKeyKdf.KeySize));
        return serialized;
    }
}
