using System.Buffers.Binary;
using System.Text;
using XChat.Grains.Conversations;

namespace XChat.Grains.Storage;

/// <summary>
/// Packs a message's per-device ciphertexts into one blob column and back. The server never
/// looks inside the ciphertexts; this only frames them.
/// </summary>
/// <remarks>
/// Format, all integers big-endian:
/// <code>
/// u8  version (= 1)
/// u32 entry count
/// per entry:
///   u16 user id length in bytes, then the user id in UTF-8
///   u32 device id
///   u32 ciphertext length in bytes, then the ciphertext
/// </code>
/// An empty list is stored as SQL NULL rather than a header-only blob (see <see cref="Encode"/>).
/// Decoding checks every length against the remaining bytes, so a corrupt row fails loudly
/// instead of handing a device someone else's bytes.
/// </remarks>
public static class DeviceCiphertextCodec
{
    public const byte Version = 1;

    private const int HeaderSize = 1 + 4;
    private const int EntryFixedSize = 2 + 4 + 4;

    /// <summary>The blob for the list, or null when the list is empty.</summary>
    public static byte[]? Encode(IReadOnlyList<DeviceCiphertext>? ciphertexts)
    {
        if (ciphertexts is null || ciphertexts.Count == 0)
        {
            return null;
        }

        var size = HeaderSize;
        foreach (var entry in ciphertexts)
        {
            var userIdBytes = Encoding.UTF8.GetByteCount(entry.UserId);
            if (userIdBytes > ushort.MaxValue)
            {
                throw new ArgumentException("A user id longer than 65,535 UTF-8 bytes cannot be encoded.", nameof(ciphertexts));
            }

            size = checked(size + EntryFixedSize + userIdBytes + entry.Ciphertext.Length);
        }

        var buffer = new byte[size];
        var span = buffer.AsSpan();
        span[0] = Version;
        BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)ciphertexts.Count);
        var offset = HeaderSize;
        foreach (var entry in ciphertexts)
        {
            var userIdLength = Encoding.UTF8.GetBytes(entry.UserId, span[(offset + 2)..]);
            BinaryPrimitives.WriteUInt16BigEndian(span[offset..], (ushort)userIdLength);
            offset += 2 + userIdLength;
            BinaryPrimitives.WriteUInt32BigEndian(span[offset..], entry.DeviceId);
            offset += 4;
            BinaryPrimitives.WriteUInt32BigEndian(span[offset..], (uint)entry.Ciphertext.Length);
            offset += 4;
            entry.Ciphertext.CopyTo(span[offset..]);
            offset += entry.Ciphertext.Length;
        }

        return buffer;
    }

    /// <summary>The list the blob encodes; an empty list for null (SQL NULL).</summary>
    /// <exception cref="InvalidDataException">The blob is truncated, has trailing bytes or an unknown version.</exception>
    public static IReadOnlyList<DeviceCiphertext> Decode(byte[]? blob) => blob is null ? [] : Decode(blob.AsSpan());

    /// <summary>The list the blob encodes.</summary>
    /// <exception cref="InvalidDataException">The blob is truncated, has trailing bytes or an unknown version.</exception>
    public static IReadOnlyList<DeviceCiphertext> Decode(ReadOnlySpan<byte> blob)
    {
        if (blob.Length < HeaderSize || blob[0] != Version)
        {
            throw new InvalidDataException("Device ciphertext blob has no valid header.");
        }

        var count = BinaryPrimitives.ReadUInt32BigEndian(blob[1..]);
        // Each entry needs at least EntryFixedSize bytes: reject absurd counts before allocating.
        if (count > (uint)((blob.Length - HeaderSize) / EntryFixedSize))
        {
            throw new InvalidDataException("Device ciphertext blob is truncated.");
        }

        var result = new DeviceCiphertext[count];
        var rest = blob[HeaderSize..];
        for (var i = 0; i < result.Length; i++)
        {
            var userIdLength = Take(ref rest, 2, out var lengthBytes) ? BinaryPrimitives.ReadUInt16BigEndian(lengthBytes) : throw Truncated();
            var userId = Take(ref rest, userIdLength, out var userIdBytes) ? Encoding.UTF8.GetString(userIdBytes) : throw Truncated();
            var deviceId = Take(ref rest, 4, out var deviceBytes) ? BinaryPrimitives.ReadUInt32BigEndian(deviceBytes) : throw Truncated();
            var cipherLength = Take(ref rest, 4, out var cipherLengthBytes) ? BinaryPrimitives.ReadUInt32BigEndian(cipherLengthBytes) : throw Truncated();
            if (cipherLength > (uint)rest.Length)
            {
                throw Truncated();
            }

            result[i] = new DeviceCiphertext(userId, deviceId, rest[..(int)cipherLength].ToArray());
            rest = rest[(int)cipherLength..];
        }

        if (!rest.IsEmpty)
        {
            throw new InvalidDataException("Device ciphertext blob has trailing bytes.");
        }

        return result;
    }

    private static bool Take(ref ReadOnlySpan<byte> rest, int length, out ReadOnlySpan<byte> taken)
    {
        if (rest.Length < length)
        {
            taken = default;
            return false;
        }

        taken = rest[..length];
        rest = rest[length..];
        return true;
    }

    private static InvalidDataException Truncated() => new("Device ciphertext blob is truncated.");
}
