// HMAC-SHA-256: RFC 2104, "HMAC: Keyed-Hashing for Message Authentication", with SHA-256 as the
// hash (FIPS 198-1, FIPS 180-4). Test vectors: RFC 4231. The key may have any length (RFC 2104 §2:
// longer than the block size it is hashed first, shorter it is padded with zeros).
// Implementation: .NET's one-shot HMACSHA256.HashData (OpenSSL on Linux, SHA extensions where the CPU has them).
using System.Security.Cryptography;

namespace XChat.Client.Crypto;

/// <summary>HMAC-SHA-256 computation and constant-time verification (RFC 2104).</summary>
public static class HmacSha256
{
    /// <summary>The size of a full HMAC-SHA-256 output, in bytes.</summary>
    public const int MacSize = 32;

    /// <summary>Computes the 32-byte HMAC-SHA-256 of <paramref name="data"/> under <paramref name="key"/>.</summary>
    public static byte[] Compute(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data)
    {
        var mac = new byte[MacSize];
        Compute(key, data, mac);
        return mac;
    }

    /// <summary>Writes the 32-byte HMAC-SHA-256 of <paramref name="data"/> into <paramref name="destination"/>.</summary>
    public static void Compute(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data, Span<byte> destination)
    {
        Requires.Length(destination, MacSize, nameof(destination));
        HMACSHA256.HashData(key, data, destination);
    }

    /// <summary>
    /// True when <paramref name="mac"/> is the HMAC-SHA-256 of <paramref name="data"/> under <paramref name="key"/>.
    /// The comparison takes the same time wherever the first difference is; a MAC of the wrong length
    /// (it came from the peer) is a failed verification, not an exception.
    /// </summary>
    public static bool Verify(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data, ReadOnlySpan<byte> mac)
    {
        if (mac.Length != MacSize)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[MacSize];
        Compute(key, data, expected);
        return CryptographicOperations.FixedTimeEquals(expected, mac);
    }
}
