using PreKeySigningInput = XChat.Protocol.PreKeySigningInput;
using XChat.Client.Crypto;

namespace XChat.Client.Keys;

/// <summary>
/// The signed X25519 prekey (SPK): Sig(IK, "xchat-signed-prekey-v1" || SPK) (PQXDH §3.2, in the server's format). Rotated on a
/// schedule; the previous one is kept a while so initial messages already in flight still work.
/// </summary>
public sealed record SignedPreKeyRecord(SignedPreKeyId Id, X25519KeyPair KeyPair, byte[] Signature, DateTimeOffset CreatedAt)
{
    /// <summary>
    /// How long a signed prekey is used before a new one replaces it: a week, which bounds how many
    /// sessions a stolen SPK private key exposes (when no one-time prekey was left) without making
    /// devices upload often.
    /// </summary>
    public static readonly TimeSpan RotationInterval = TimeSpan.FromDays(7);

    /// <summary>Generates a key pair and signs its public key with the identity key.</summary>
    public static SignedPreKeyRecord Generate(IdentityKeyPair identity, SignedPreKeyId id, DateTimeOffset createdAt)
    {
        ArgumentNullException.ThrowIfNull(identity);
        var keyPair = X25519.GenerateKeyPair();
        return new SignedPreKeyRecord(id, keyPair, identity.Sign(PreKeySigningInput.SignedPreKey(keyPair.PublicKey)), createdAt);
    }

    /// <summary>True once the key is <see cref="RotationInterval"/> old: generate and upload a new one.</summary>
    public bool IsDueForRotation(DateTimeOffset now) => now - CreatedAt >= RotationInterval;
}
