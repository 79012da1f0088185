// The key derivation functions of the Double Ratchet specification (revision 1, 2016-11-20) §5.2,
// "Recommended cryptographic algorithms":
//   KDF_RK(rk, dh_out): HKDF-SHA-256 with rk as salt, dh_out as input key material, an
//                       application-specific info; 64 bytes = new root key || chain key.
//   KDF_CK(ck):         HMAC-SHA-256 keyed with ck: message key = HMAC(ck, 0x01),
//                       next chain key = HMAC(ck, 0x02).
//   ENCRYPT(mk, ...):   HKDF-SHA-256 over mk with a zero salt of hash length (passed as the empty
//                       salt, which RFC 5869 §2.2 defines as the same) and its own info.
//                       The spec then takes an AES-256-CBC key, an HMAC key and an IV (80 bytes);
//                       we use an AEAD instead (AES-256-GCM), so we take a 32-byte key and a 12-byte
//                       nonce (44 bytes). Every message key is used for exactly one message, so the
//                       nonce derived from it never repeats under its key.
using System.Security.Cryptography;
using XChat.Client.Crypto;

namespace XChat.Client.Ratchet;

/// <summary>KDF_RK, KDF_CK and the message key expansion of the Double Ratchet.</summary>
/// <remarks>Intermediate key material lives on the stack and is cleared before returning.</remarks>
internal static class RatchetKdf
{
    public const int KeySize = 32;

    /// <summary>The AEAD key and nonce expanded from one message key.</summary>
    private const int MessageKeysSize = Aes256Gcm.KeySize + Aes256Gcm.NonceSize;

    private static ReadOnlySpan<byte> MessageKeyConstant => [0x01];

    private static ReadOnlySpan<byte> ChainKeyConstant => [0x02];

    private static ReadOnlySpan<byte> RootInfo => "XChat_Ratchet_Root_X25519_SHA-256"u8;

    private static ReadOnlySpan<byte> MessageInfo => "XChat_Ratchet_Message_AES-256-GCM"u8;

    /// <summary>KDF_RK: returns the next root key and a new chain key.</summary>
    public static (byte[] RootKey, byte[] ChainKey) Root(ReadOnlySpan<byte> rootKey, ReadOnlySpan<byte> dhOutput)
    {
        Span<byte> output = stackalloc byte[2 * KeySize];
        HkdfSha256.DeriveKey(dhOutput, rootKey, RootInfo, output);
        var keys = (output[..KeySize].ToArray(), output[KeySize..].ToArray());
        CryptographicOperations.ZeroMemory(output);
        return keys;
    }

    /// <summary>KDF_CK: returns the message key for this step and the next chain key.</summary>
    public static (byte[] MessageKey, byte[] NextChainKey) Chain(ReadOnlySpan<byte> chainKey)
    {
        var messageKey = new byte[KeySize];
        return (messageKey, Chain(chainKey, messageKey));
    }

    /// <summary>KDF_CK writing the message key into <paramref name="messageKey"/> (32 bytes); returns the next chain key.</summary>
    public static byte[] Chain(ReadOnlySpan<byte> chainKey, Span<byte> messageKey)
    {
        // Both MACs are under the chain key: its padded blocks are hashed once.
        var key = new HmacSha256Key(chainKey);
        key.Compute(MessageKeyConstant, messageKey);
        var nextChainKey = new byte[KeySize];
        key.Compute(ChainKeyConstant, nextChainKey);
        return nextChainKey;
    }

    /// <summary>ENCRYPT(mk, plaintext, associated_data) into <paramref name="destination"/>: ciphertext || tag, plaintext length + 16 bytes.</summary>
    public static void Encrypt(ReadOnlySpan<byte> messageKey, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData, Span<byte> destination)
    {
        Span<byte> keys = stackalloc byte[MessageKeysSize];
        try
        {
            HkdfSha256.DeriveKey(messageKey, salt: [], MessageInfo, keys);
            Aes256Gcm.Encrypt(keys[..Aes256Gcm.KeySize], keys[Aes256Gcm.KeySize..], plaintext, associatedData, destination);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(keys);
        }
    }

    /// <summary>DECRYPT(mk, ciphertext, associated_data): false when authentication fails.</summary>
    public static bool TryDecrypt(ReadOnlySpan<byte> messageKey, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> associatedData, out byte[] plaintext)
    {
        Span<byte> keys = stackalloc byte[MessageKeysSize];
        try
        {
            HkdfSha256.DeriveKey(messageKey, salt: [], MessageInfo, keys);
            return Aes256Gcm.TryDecrypt(keys[..Aes256Gcm.KeySize], keys[Aes256Gcm.KeySize..], ciphertext, associatedData, out plaintext);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(keys);
        }
    }
}
