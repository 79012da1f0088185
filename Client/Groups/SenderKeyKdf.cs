// The sender key chain (libsignal's SenderChainKey / SenderMessageKey), built on the Double
// Ratchet's KDF_CK (spec §5.2): message key seed = HMAC-SHA-256(ck, 0x01), next chain key =
// HMAC-SHA-256(ck, 0x02). As in the pairwise sessions we use an AEAD instead of AES-CBC + HMAC:
// the seed is expanded with HKDF-SHA-256 (zero salt) into an AES-256-GCM key and a 12-byte nonce.
// The info differs from the pairwise sessions' one, so a key of one kind never serves as the other.
using XChat.Client.Crypto;
using XChat.Client.Ratchet;

namespace XChat.Client.Groups;

/// <summary>KDF_CK for sender chains and the expansion of a message key seed.</summary>
internal static class SenderKeyKdf
{
    public const int KeySize = RatchetKdf.KeySize;

    private static ReadOnlySpan<byte> MessageInfo => "XChat_SenderKey_Message_AES-256-GCM"u8;

    /// <summary>The message key seed for this step and the next chain key (one step of the chain).</summary>
    public static (byte[] MessageKeySeed, byte[] NextChainKey) Chain(ReadOnlySpan<byte> chainKey) => RatchetKdf.Chain(chainKey);

    public static byte[] Encrypt(ReadOnlySpan<byte> seed, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        var (key, nonce) = Expand(seed);
        return Aes256Gcm.Encrypt(key, nonce, plaintext, associatedData);
    }

    public static bool TryDecrypt(ReadOnlySpan<byte> seed, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> associatedData, out byte[] plaintext)
    {
        var (key, nonce) = Expand(seed);
        return Aes256Gcm.TryDecrypt(key, nonce, ciphertext, associatedData, out plaintext);
    }

    private static (byte[] Key, byte[] Nonce) Expand(ReadOnlySpan<byte> seed)
    {
        // The empty salt is HashLen zero bytes (RFC 5869 §2.2).
        var output = HkdfSha256.DeriveKey(seed, salt: [], MessageInfo, Aes256Gcm.KeySize + Aes256Gcm.NonceSize);
        return (output[..Aes256Gcm.KeySize], output[Aes256Gcm.KeySize..]);
    }
}
