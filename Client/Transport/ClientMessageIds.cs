using System.Buffers.Binary;
using System.Security.Cryptography;

namespace XChat.Client.Transport;

/// <summary>
/// Makes client message ids: UUIDv7 (RFC 9562 §5.7) as 32 lower-case hex digits, time-ordered and
/// increasing within this process.
/// </summary>
/// <remarks>
/// <para>Layout after the 48-bit Unix millisecond timestamp and the version and variant bits: 32 bits
/// drawn once per process from the cryptographic generator, then a 42-bit counter that starts at a
/// random value and goes up by one per id (RFC 9562 §6.2, "fixed bit-length dedicated counter").</para>
/// <para>Why not <see cref="Guid.CreateVersion7()"/>: it asks the operating system for fresh random
/// bytes on every call, a system call per message on Linux. An id only has to be unique per sending
/// device (the server's idempotency key is sender device + id) and is not a secret: the server sees
/// it. Two processes of one device collide only with the same 32 random bits, counter value and
/// millisecond. The counter also keeps ids made within one millisecond in order, which the server's
/// index (leading with this id) likes.</para>
/// </remarks>
internal static class ClientMessageIds
{
    private const long CounterMask = (1L << 42) - 1;

    private static readonly uint ProcessBits = BitConverter.ToUInt32(RandomNumberGenerator.GetBytes(sizeof(uint)));
    private static long _counter = RandomNumberGenerator.GetInt32(0, 1 << 30);

    public static string Next() => Format(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), ProcessBits, Interlocked.Increment(ref _counter) & CounterMask);

    /// <summary>Lays out one id; separate from <see cref="Next"/> so the layout can be tested.</summary>
    internal static string Format(long unixMs, uint processBits, long counter)
    {
        Span<byte> bytes = stackalloc byte[16];
        // 48-bit timestamp, big-endian.
        BinaryPrimitives.WriteUInt64BigEndian(bytes[..8], (ulong)unixMs << 16);
        // Version 7 and the top 12 process bits (rand_a).
        bytes[6] = (byte)(0x70 | (processBits >> 28));
        bytes[7] = (byte)(processBits >> 20);
        // Variant 0b10, then the low 20 process bits and the 42-bit counter (rand_b, 62 bits).
        var randB = ((ulong)(processBits & 0xFFFFF) << 42) | ((ulong)counter & CounterMask);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], randB | 0x8000_0000_0000_0000UL);
        return Convert.ToHexStringLower(bytes);
    }
}
