// HKDF with SHA-256: RFC 5869, "HMAC-based Extract-and-Expand Key Derivation Function (HKDF)".
// §2.2 Extract(salt, IKM) -> PRK; §2.3 Expand(PRK, info, L) -> OKM with L <= 255 * HashLen,
//   T(0) = empty, T(i) = HMAC(PRK, T(i-1) || info || i), OKM = first L bytes of T(1) || T(2) || ...
// Test vectors: RFC 5869 Appendix A.1 to A.3.
// Built on HmacSha256Key: the PRK is prepared once for all blocks of Expand, and the empty salt
// (the RFC's "not provided", the same as HashLen zero bytes) is prepared once for the process.
using System.Security.Cryptography;

namespace XChat.Client.Crypto;

/// <summary>HKDF-SHA-256 extract, expand and the two in one (RFC 5869).</summary>
public static class HkdfSha256
{
    /// <summary>HashLen: the size of a pseudorandom key (the output of Extract), in bytes.</summary>
    public const int PseudorandomKeySize = 32;

    /// <summary>The largest output of Expand, 255 * HashLen bytes (RFC 5869 §2.3).</summary>
    public const int MaxOutputSize = 255 * PseudorandomKeySize;

    // HMAC pads its key with zeros to the 64-byte block, so the empty salt is the same key as
    // HashLen zero bytes. Only the length decides (a salt may be secret, like a root key).
    private static readonly HmacSha256Key EmptySalt = new([]);

    /// <summary>
    /// RFC 5869 §2.2: PRK = HMAC-SHA-256(salt, IKM). An empty salt is the same as HashLen zero bytes
    /// (HMAC pads a short key with zeros), as the RFC prescribes when no salt is provided.
    /// </summary>
    public static byte[] Extract(ReadOnlySpan<byte> salt, ReadOnlySpan<byte> inputKeyMaterial)
    {
        var prk = new byte[PseudorandomKeySize];
        Extract(salt, inputKeyMaterial, prk);
        return prk;
    }

    /// <summary>RFC 5869 §2.3: expands a pseudorandom key of at least 32 bytes to <paramref name="length"/> bytes bound to <paramref name="info"/>.</summary>
    public static byte[] Expand(ReadOnlySpan<byte> pseudorandomKey, ReadOnlySpan<byte> info, int length)
    {
        RequireOutputLength(length);
        var output = new byte[length];
        Expand(pseudorandomKey, info, output);
        return output;
    }

    /// <summary>RFC 5869 §2.3 into <paramref name="output"/> (1 to <see cref="MaxOutputSize"/> bytes).</summary>
    public static void Expand(ReadOnlySpan<byte> pseudorandomKey, ReadOnlySpan<byte> info, Span<byte> output)
    {
        if (pseudorandomKey.Length < PseudorandomKeySize)
        {
            throw new ArgumentException($"A pseudorandom key has at least {PseudorandomKeySize} bytes, got {pseudorandomKey.Length}.", nameof(pseudorandomKey));
        }

        RequireOutputLength(output.Length);
        var prk = new HmacSha256Key(pseudorandomKey);
        Span<byte> block = stackalloc byte[HmacSha256.MacSize];
        Span<byte> counter = stackalloc byte[1];
        for (var offset = 0; offset < output.Length; offset += HmacSha256.MacSize)
        {
            // block holds T(i-1), empty for T(1); HMAC reads its inputs before writing T(i) over it.
            counter[0] = (byte)((offset / HmacSha256.MacSize) + 1);
            prk.Compute(block[..(offset == 0 ? 0 : HmacSha256.MacSize)], info, counter, block);
            var take = Math.Min(HmacSha256.MacSize, output.Length - offset);
            block[..take].CopyTo(output[offset..]);
        }

        CryptographicOperations.ZeroMemory(block);
    }

    /// <summary>Extract then Expand: derives <paramref name="length"/> bytes of key material from <paramref name="inputKeyMaterial"/>.</summary>
    public static byte[] DeriveKey(ReadOnlySpan<byte> inputKeyMaterial, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> info, int length)
    {
        RequireOutputLength(length);
        var output = new byte[length];
        DeriveKey(inputKeyMaterial, salt, info, output);
        return output;
    }

    /// <summary>Extract then Expand into <paramref name="output"/> (1 to <see cref="MaxOutputSize"/> bytes); the PRK never leaves the call.</summary>
    public static void DeriveKey(ReadOnlySpan<byte> inputKeyMaterial, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> info, Span<byte> output)
    {
        RequireOutputLength(output.Length);
        Span<byte> prk = stackalloc byte[PseudorandomKeySize];
        try
        {
            Extract(salt, inputKeyMaterial, prk);
            Expand(prk, info, output);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(prk);
        }
    }

    private static void Extract(ReadOnlySpan<byte> salt, ReadOnlySpan<byte> inputKeyMaterial, Span<byte> prk)
    {
        var key = salt.IsEmpty ? EmptySalt : new HmacSha256Key(salt);
        key.Compute(inputKeyMaterial, prk);
    }

    private static void RequireOutputLength(int length)
    {
        if (length is < 1 or > MaxOutputSize)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, $"HKDF-SHA-256 outputs 1 to {MaxOutputSize} bytes.");
        }
    }
}
