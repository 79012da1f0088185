using System.Text;

namespace XChat.Protocol;

/// <summary>
/// The bytes a device's Ed25519 identity key signs to endorse a prekey (PROTOCOL.md §4, "Prekeys").
/// A context string per key kind keeps these signatures apart from each other, from login
/// challenges ("xchat-auth-v1") and from the identity binding (the bare X25519 identity key).
/// </summary>
public static class PreKeySigningInput
{
    private static readonly byte[] SignedPreKeyContext = Encoding.UTF8.GetBytes("xchat-signed-prekey-v1");
    private static readonly byte[] KemPreKeyContext = Encoding.UTF8.GetBytes("xchat-kem-prekey-v1");

    /// <summary>"xchat-signed-prekey-v1" || the 32-byte X25519 public key.</summary>
    public static byte[] SignedPreKey(ReadOnlySpan<byte> publicKey) => [.. SignedPreKeyContext, .. publicKey];

    /// <summary>"xchat-kem-prekey-v1" || the 1184-byte ML-KEM-768 encapsulation key (last-resort and one-time alike).</summary>
    public static byte[] KemPreKey(ReadOnlySpan<byte> publicKey) => [.. KemPreKeyContext, .. publicKey];
}
