// ChaCha20-Poly1305 AEAD: RFC 8439, "ChaCha20 and Poly1305 for IETF Protocols", §2.8
// (256-bit key, 96-bit nonce, 128-bit tag). Test vectors: RFC 8439 §2.8.2 and Appendix A.5.
using Bc = Org.BouncyCastle.Crypto.Modes;

namespace XChat.Client.Crypto;

/// <summary>ChaCha20-Poly1305 authenticated encryption with associated data (RFC 8439).</summary>
public static class ChaCha20Poly1305
{
    public const int KeySize = Aead.KeySize;
    public const int NonceSize = Aead.NonceSize;
    public const int TagSize = Aead.TagSize;

    /// <summary>
    /// Encrypts and authenticates; returns the ciphertext followed by the 16-byte tag. A nonce must
    /// never repeat under one key (RFC 8439 §4): reuse reveals the XOR of plaintexts and the Poly1305 key.
    /// </summary>
    public static byte[] Encrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        return Aead.Encrypt(new Bc.ChaCha20Poly1305(), key, nonce, plaintext, associatedData);
    }

    /// <summary>
    /// Verifies and decrypts ciphertext-with-tag. False, with an empty plaintext, when the tag, the
    /// ciphertext, the nonce or the associated data was changed; a key or nonce of the wrong length throws.
    /// </summary>
    public static bool TryDecrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> associatedData, out byte[] plaintext)
    {
        return Aead.TryDecrypt(new Bc.ChaCha20Poly1305(), key, nonce, ciphertext, associatedData, out plaintext);
    }
}
