namespace XChat.Client.Keys;

/// <summary>
/// What the server hands out for one device (PQXDH §3.2 "prekey bundle"): the identity key, the
/// signed prekey with its signature, at most one one-time prekey, and one signed KEM prekey (a
/// one-time one while any are left, else the last-resort one).
/// </summary>
public sealed record PreKeyBundle(
    uint DeviceId,
    IdentityKey IdentityKey,
    SignedPreKeyId SignedPreKeyId,
    byte[] SignedPreKey,
    byte[] SignedPreKeySignature,
    PreKeyId? PreKeyId,
    byte[]? PreKey,
    KyberPreKeyId KyberPreKeyId,
    byte[] KyberPreKey,
    byte[] KyberPreKeySignature,
    bool KyberPreKeyIsLastResort)
{
    /// <summary>Builds the bundle a server would hand out from the owner's records (the public halves only).</summary>
    public static PreKeyBundle From(uint deviceId, IdentityKey identityKey, SignedPreKeyRecord signedPreKey, PreKeyRecord? preKey, KyberPreKeyRecord kyberPreKey)
    {
        ArgumentNullException.ThrowIfNull(signedPreKey);
        ArgumentNullException.ThrowIfNull(kyberPreKey);
        return new PreKeyBundle(
            deviceId,
            identityKey,
            signedPreKey.Id,
            signedPreKey.KeyPair.PublicKey,
            signedPreKey.Signature,
            preKey?.Id,
            preKey?.KeyPair.PublicKey,
            kyberPreKey.Id,
            kyberPreKey.KeyPair.PublicKey,
            kyberPreKey.Signature,
            kyberPreKey.IsLastResort);
    }
}
