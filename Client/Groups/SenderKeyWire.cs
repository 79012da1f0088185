using System.Buffers.Binary;

namespace XChat.Client.Groups;

/// <summary>The fields both sender key messages start with: version (1) || distribution id (16, RFC 9562 byte order) || chain id (4, big-endian) || iteration (4, big-endian).</summary>
internal static class SenderKeyWire
{
    /// <summary>The version byte of both messages; a different one is rejected.</summary>
    public const byte CurrentVersion = 1;

    public const int PrefixSize = 1 + 16 + 4 + 4;

    public static void WritePrefix(Span<byte> destination, Guid distributionId, uint chainId, uint iteration)
    {
        destination[0] = CurrentVersion;
        distributionId.TryWriteBytes(destination.Slice(1, 16), bigEndian: true, out _);
        BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(17, 4), chainId);
        BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(21, 4), iteration);
    }

    public static Guid ReadDistributionId(ReadOnlySpan<byte> serialized) => new(serialized.Slice(1, 16), bigEndian: true);

    public static uint ReadChainId(ReadOnlySpan<byte> serialized) => BinaryPrimitives.ReadUInt32BigEndian(serialized.Slice(17, 4));

    public static uint ReadIteration(ReadOnlySpan<byte> serialized) => BinaryPrimitives.ReadUInt32BigEndian(serialized.Slice(21, 4));
}
