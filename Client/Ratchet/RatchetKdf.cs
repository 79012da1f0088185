// The key derivation functions of the Double Ratchet specification (revision 1, 2016-11-20) §5.2,
// "Recommended cryptographic algorithms":
//   KDF_RK(rk, dh_out): HKDF-SHA-256 with rk as salt, dh_out as input key material, an
//                       application-specific info; 64 bytes = new root key || chain key.
//   KDF_CK(ck):         HMAC-SHA-256 keyed with ck: message key = HMAC(ck, 0x01),
//                       next chain key = HMAC(ck, 0x02).
//   ENCRYPT(mk, ...):   HKDF-SHA-256 over mk with a zero salt of hash length and its own info.
//                       The spec then takes an AES-256-CBC key, an HMAC key and an IV (80 bytes);
//                       we use an AEAD instead (AES-256-GCM), so we take a 32-byte key and a 12-byte
//                       nonce (44 bytes). Every message key is used for exactly one message, so the
//                       nonce derived from it never repeats under its key.
using XChat.Client.Crypto;

namespace XChat.Client.Ratchet;

/// <summary>KDF_RK, KDF_CK and the message key expansion of the Double Ratchet.</summary>
internal static class RatchetKdf
{
    public const int KeySize = 32;

    private static readonly byte[] MessageKeyConstant = [0x01];
    private static readonly byte[] ChainKeyConstant = [0x02];
    private static readonly byte[] ZeroSalt = new byte[HkdfSha256.PseudorandomKeySize];

    private static ReadOnlySpan<byte> RootInfo => "XChat_Ratchet_Root_X25519_SHA-256"u8;

    private static ReadOnlySpan<byte> MessageInfo => "XChat_Ratchet_Message_AES-256-GCM"u8;

    /// <summary>KDF_RK: returns the next root key and a new chain key.</summary>
    public static (byte[] RootKey, byte[] ChainKey) Root(ReadOnlySpan<byte> rootKey, ReadOnlySpan<byte> dhOutput)
    {
        var output = HkdfSha256.DeriveKey(dhOutput, rootKey, RootInfo, 2 * KeySize);
        return (output[..KeySize], output[KeySize..]);
    }

    /// <summary>KDF_CK: returns the message key for this step and the next chain key.</summary>
    public static (byte[] MessageKey, byte[] NextChainKey) Chain(ReadOnlySpan<byte> chainKey)
    {
        return (HmacSha256.Compute(chainKey, MessageKeyConstant), HmacSha256.Compute(chainKey, ChainKeyConstant));
    }

    /// <summary>Expands a message key into the AEAD key and nonce of its one message.</summary>
    public static (byte[] Key, byte[] Nonce) MessageKeys(ReadOnlySpan<byte> messageKey)
    {
        var output = HkdfSha256.DeriveKey(messageKey, ZeroSalt, MessageInfo, Aes256Gcm.KeySize + Aes256Gcm.NonceSize);
        return (output[..Aes256Gcm.KeySize], output[Aes256Gcm.KeySize..]);
    }

    /// <summary>ENCRYPT(mk, plaintext, associated_data).</summary>
    public static byte[] Encrypt(ReadOnlySpan<byte> messageKey, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        var (key, nonce) = MessageKeys(messageKey);
        return Aes256Gcm.Encrypt(key, nonce, plaintext, associatedData);
    }

    /// <summary>DECRYPT(mk, ciphertext, associated_data): false when authentication fails.</summary>
    public static bool TryDecrypt(ReadOnlySpan<byte> messageKey, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> associatedData, out byte[] plaintext)
    {
        var (key, nonce) = MessageKeys(messageKey);
        return Aes256Gcm.TryDecrypt(key, nonce, ciphertext, associatedData, out plaintext);
    }
}
