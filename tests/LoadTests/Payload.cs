using System.Buffers.Binary;
using System.Diagnostics;

namespace XChat.LoadTests;

/// <summary>
/// A load message: its index and send timestamp in the first 16 bytes, random bytes after (like
/// ciphertext: nothing on the way can compress it). The bytes need to look random, not be secret, so
/// they come from <see cref="Random.Shared"/>: the operating system's generator cost the tool about a
/// tenth of its CPU at 10k msgs/s, on the same cores as the server it measures.
/// </summary>
internal static class Payload
{
    public const int HeaderBytes = 16;

    public static byte[] Create(int index, int size)
    {
        var payload = new byte[size];
        Random.Shared.NextBytes(payload.AsSpan(HeaderBytes));
        BinaryPrimitives.WriteInt64LittleEndian(payload, index);
        // Both ends run in this process, so one Stopwatch clock serves as send and receipt time.
        BinaryPrimitives.WriteInt64LittleEndian(payload.AsSpan(8), Stopwatch.GetTimestamp());
        return payload;
    }

    public static (int Index, long SentTimestamp) Read(ReadOnlySpan<byte> payload) =>
        ((int)BinaryPrimitives.ReadInt64LittleEndian(payload), BinaryPrimitives.ReadInt64LittleEndian(payload[8..]));
}
