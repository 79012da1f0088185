// HKDF with SHA-256: RFC 5869, "HMAC-based Extract-and-Expand Key Derivation Function (HKDF)".
// §2.2 Extract(salt, IKM) -> PRK; §2.3 Expand(PRK, info, L) -> OKM with L <= 255 * HashLen.
// Test vectors: RFC 5869 Appendix A.1 to A.3.
// Implementation: .NET's System.Security.Cryptography.HKDF (OpenSSL on Linux).
using System.Security.Cryptography;

namespace XChat.Client.Crypto;

/// <summary>HKDF-SHA-256 extract, expand and the two in one (RFC 5869).</summary>
public static class HkdfSha256
{
    /// <summary>HashLen: the size of a pseudorandom key (the output of Extract), in bytes.</summary>
    public const int PseudorandomKeySize = 32;

    /// <summary>The largest output of Expand, 255 * HashLen bytes (RFC 5869 §2.3).</summary>
    public const int MaxOutputSize = 255 * PseudorandomKeySize;

    /// <summary>
    /// RFC 5869 §2.2: PRK = HMAC-SHA-256(salt, IKM). An empty salt is the same as HashLen zero bytes
    /// (HMAC pads a short key with zeros), as the RFC prescribes when no salt is provided.
    /// </summary>
    public static byte[] Extract(ReadOnlySpan<byte> salt, ReadOnlySpan<byte> inputKeyMaterial)
    {
        return HmacSha256.Compute(salt, inputKeyMaterial);
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
        HKDF.Expand(HashAlgorithmName.SHA256, pseudorandomKey, output, info);
    }

    /// <summary>Extract then Expand: derives <paramref name="length"/> bytes of key material from <paramref name="inputKeyMaterial"/>.</summary>
    public static byte[] DeriveKey(ReadOnlySpan<byte> inputKeyMaterial, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> info, int length)
    {
        RequireOutputLength(length);
        var output = new byte[length];
        DeriveKey(inputKeyMaterial, salt, info, output);
        return output;
    }

    /// <summary>Extract then Expand into <paramref name="output"/> (1 to <see cref="MaxOutputSize"/> bytes); no intermediate leaves the call.</summary>
    public static void DeriveKey(ReadOnlySpan<byte> inputKeyMaterial, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> info, Span<byte> output)
    {
        RequireOutputLength(output.Length);
        HKDF.DeriveKey(HashAlgorithmName.SHA256, inputKeyMaterial, output, salt, info);
    }

    private static void RequireOutputLength(int length)
    {
        if (length is < 1 or > MaxOutputSize)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, $"HKDF-SHA-256 outputs 1 to {MaxOutputSize} bytes.");
        }
    }
}
