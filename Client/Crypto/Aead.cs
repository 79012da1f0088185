// The encrypt and decrypt steps shared by the AEAD constructions (ChaCha20-Poly1305, AES-256-GCM):
// 256-bit key, 96-bit nonce, 128-bit tag appended to the ciphertext.
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;

namespace XChat.Client.Crypto;

/// <summary>Drives a BouncyCastle AEAD cipher with the NSec-style contract: misuse throws, a forgery returns false.</summary>
internal static class Aead
{
    public const int KeySize = 32;
    public const int NonceSize = 12;
    public const int TagSize = 16;

    public static byte[] Encrypt(IAeadCipher cipher, ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        var ciphertext = new byte[plaintext.Length + TagSize];
        Encrypt(cipher, key, nonce, plaintext, associatedData, ciphertext);
        return ciphertext;
    }

    /// <summary>Writes ciphertext || tag into <paramref name="destination"/>, which must be exactly plaintext length + 16 bytes.</summary>
    public static void Encrypt(IAeadCipher cipher, ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData, Span<byte> destination)
    {
        Requires.Length(destination, plaintext.Length + TagSize, nameof(destination));
        Init(cipher, forEncryption: true, key, nonce);
        cipher.ProcessAadBytes(associatedData);
        var written = cipher.ProcessBytes(plaintext, destination);
        written += cipher.DoFinal(destination[written..]);
        if (written != destination.Length)
        {
            throw new CryptographicException($"The AEAD wrote {written} bytes, expected {destination.Length}.");
        }
    }

    public static bool TryDecrypt(IAeadCipher cipher, ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> associatedData, out byte[] plaintext)
    {
        Init(cipher, forEncryption: false, key, nonce);
        plaintext = [];
        if (ciphertext.Length < TagSize)
        {
            // Too short to hold a tag: it came from the peer, so it is a failed authentication.
            return false;
        }

        cipher.ProcessAadBytes(associatedData);
        var output = new byte[ciphertext.Length - TagSize];
        try
        {
            var written = cipher.ProcessBytes(ciphertext, output);
            cipher.DoFinal(output.AsSpan(written));
        }
        catch (InvalidCipherTextException)
        {
            // The tag did not match: release nothing, not even the unauthenticated keystream output.
            CryptographicOperations.ZeroMemory(output);
            return false;
        }

        plaintext = output;
        return true;
    }

    private static void Init(IAeadCipher cipher, bool forEncryption, ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce)
    {
        Requires.Length(key, KeySize, nameof(key));
        Requires.Length(nonce, NonceSize, nameof(nonce));
        cipher.Init(forEncryption, new AeadParameters(new KeyParameter(key), TagSize * 8, nonce.ToArray()));
    }
}
