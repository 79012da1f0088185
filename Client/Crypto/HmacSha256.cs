// HMAC-SHA-256: RFC 2104, "HMAC: Keyed-Hashing for Message Authentication", with SHA-256 as the
// hash (FIPS 198-1, FIPS 180-4). Test vectors: RFC 4231. The key may have any length (RFC 2104 §2:
// longer than the block size it is hashed first, shorter it is padded with zeros).
//   HMAC(K, text) = H((K0 ^ opad) || H((K0 ^ ipad) || text)), B = 64, ipad = 0x36, opad = 0x5c.
// The two padded-key blocks are hashed once per key (HmacSha256Key) and the SHA-256 states reused
// for every MAC under that key: the ratchet computes two MACs per chain key, HKDF-Expand one per
// 32 bytes of output. SHA-256 is BouncyCastle's managed digest: measured on this project's
// machine (OpenSSL 3.0), .NET's one-shot HMACSHA256 costs more per call than the hashing itself.
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Digests;

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
        new HmacSha256Key(key).Compute(data, destination);
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

/// <summary>
/// An HMAC-SHA-256 key with its padded blocks already hashed (RFC 2104 steps 1-3 and the first block
/// of step 6), for computing several MACs under one key. Immutable after construction, so one instance
/// may be used from several threads.
/// </summary>
public sealed class HmacSha256Key
{
    private const int BlockSize = 64;

    private readonly Sha256Digest _inner = new();
    private readonly Sha256Digest _outer = new();

    /// <summary>Prepares <paramref name="key"/> (any length).</summary>
    public HmacSha256Key(ReadOnlySpan<byte> key)
    {
        // K0: the key hashed when longer than a block, then zero-padded to the block size (RFC 2104 §2).
        Span<byte> block = stackalloc byte[BlockSize];
        block.Clear();
        if (key.Length > BlockSize)
        {
            var digest = new Sha256Digest();
            digest.BlockUpdate(key);
            digest.DoFinal(block);
        }
        else
        {
            key.CopyTo(block);
        }

        XorAll(block, 0x36);
        _inner.BlockUpdate(block);
        XorAll(block, 0x36 ^ 0x5c);
        _outer.BlockUpdate(block);
        CryptographicOperations.ZeroMemory(block);
    }

    /// <summary>Writes HMAC(K, <paramref name="data"/>) into <paramref name="destination"/> (32 bytes).</summary>
    public void Compute(ReadOnlySpan<byte> data, Span<byte> destination) => Compute(data, [], [], destination);

    /// <summary>
    /// Writes HMAC(K, <paramref name="first"/> || <paramref name="second"/> || <paramref name="third"/>)
    /// into <paramref name="destination"/> (32 bytes), without joining the parts first.
    /// </summary>
    public void Compute(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, ReadOnlySpan<byte> third, Span<byte> destination)
    {
        Requires.Length(destination, HmacSha256.MacSize, nameof(destination));
        Span<byte> innerHash = stackalloc byte[HmacSha256.MacSize];
        var digest = new Sha256Digest(_inner);
        digest.BlockUpdate(first);
        digest.BlockUpdate(second);
        digest.BlockUpdate(third);
        digest.DoFinal(innerHash);
        digest.Reset(_outer);
        digest.BlockUpdate(innerHash);
        digest.DoFinal(destination);
        CryptographicOperations.ZeroMemory(innerHash);
    }

    private static void XorAll(Span<byte> block, byte value)
    {
        for (var i = 0; i < block.Length; i++)
        {
            block[i] ^= value;
        }
    }
}
