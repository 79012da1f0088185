// AES-256-GCM AEAD: NIST SP 800-38D, "Recommendation for Block Cipher Modes of Operation:
// Galois/Counter Mode (GCM) and GMAC", with AES-256 (FIPS 197), a 96-bit IV (§5.2.1.1) and a
// 128-bit tag. Test vectors: McGrew and Viega, "The Galois/Counter Mode of Operation", test cases 13-16.
// Implementation: .NET's AesGcm (OpenSSL on Linux: AES-NI and carry-less multiply, constant time)
// where the platform has it; BouncyCastle's GcmBlockCipher on the AES engine otherwise.
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Modes;

namespace XChat.Client.Crypto;

/// <summary>AES-256-GCM authenticated encryption with associated data (NIST SP 800-38D).</summary>
public static class Aes256Gcm
{
    public const int KeySize = Aead.KeySize;
    public const int NonceSize = Aead.NonceSize;
    public const int TagSize = Aead.TagSize;

    /// <summary>
    /// Encrypts and authenticates; returns the ciphertext followed by the 16-byte tag. A nonce must
    /// never repeat under one key (SP 800-38D §8): reuse reveals the XOR of plaintexts and the GHASH key.
    /// </summary>
    public static byte[] Encrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        if (!AesGcm.IsSupported)
        {
            return Aead.Encrypt(NewBouncyCastleCipher(), key, nonce, plaintext, associatedData);
        }

        var ciphertext = new byte[plaintext.Length + TagSize];
        Encrypt(key, nonce, plaintext, associatedData, ciphertext);
        return ciphertext;
    }

    /// <summary>
    /// As <see cref="Encrypt(ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte})"/>,
    /// writing ciphertext || tag into <paramref name="destination"/>, which must be exactly
    /// <paramref name="plaintext"/>.Length + <see cref="TagSize"/> bytes.
    /// </summary>
    public static void Encrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData, Span<byte> destination)
    {
        Requires.Length(key, KeySize, nameof(key));
        Requires.Length(nonce, NonceSize, nameof(nonce));
        Requires.Length(destination, plaintext.Length + TagSize, nameof(destination));
        if (!AesGcm.IsSupported)
        {
            Aead.Encrypt(NewBouncyCastleCipher(), key, nonce, plaintext, associatedData).CopyTo(destination);
            return;
        }

        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plaintext, destination[..plaintext.Length], destination[plaintext.Length..], associatedData);
    }

    /// <summary>
    /// Verifies and decrypts ciphertext-with-tag. False, with an empty plaintext, when the tag, the
    /// ciphertext, the nonce or the associated data was changed; a key or nonce of the wrong length throws.
    /// </summary>
    public static bool TryDecrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> associatedData, out byte[] plaintext)
    {
        if (!AesGcm.IsSupported)
        {
            return Aead.TryDecrypt(NewBouncyCastleCipher(), key, nonce, ciphertext, associatedData, out plaintext);
        }

        Requires.Length(key, KeySize, nameof(key));
        Requires.Length(nonce, NonceSize, nameof(nonce));
        plaintext = [];
        if (ciphertext.Length < TagSize)
        {
            // Too short to hold a tag: it came from the peer, so it is a failed authentication.
            return false;
        }

        var output = new byte[ciphertext.Length - TagSize];
        if (!TryDecryptCore(key, nonce, ciphertext, associatedData, output))
        {
            return false;
        }

        plaintext = output;
        return true;
    }

    private static bool TryDecryptCore(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> associatedData, Span<byte> plaintext)
    {
        var length = ciphertext.Length - TagSize;
        using var aes = new AesGcm(key, TagSize);
        try
        {
            aes.Decrypt(nonce, ciphertext[..length], ciphertext[length..], plaintext, associatedData);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            // AesGcm has already cleared the output: nothing unauthenticated is released.
            CryptographicOperations.ZeroMemory(plaintext);
            return false;
        }
    }

    // The AES-NI engine where the CPU has it: no key-dependent table lookups, so no cache-timing leak.
    private static GcmBlockCipher NewBouncyCastleCipher() => new(AesUtilities.CreateEngine());
}
