namespace XChat.Grains.Devices;

/// <summary>The device's signed X25519 prekey: a 32-byte public key signed by the device's Ed25519 identity key.</summary>
[GenerateSerializer, Immutable, Alias("xchat.SignedPreKey")]
public sealed record SignedPreKey(
    [property: Id(0)] uint KeyId,
    [property: Id(1)] byte[] PublicKey,
    [property: Id(2)] byte[] Signature);

/// <summary>A one-time X25519 prekey (32 bytes, unsigned, as in X3DH): handed out at most once.</summary>
[GenerateSerializer, Immutable, Alias("xchat.OneTimePreKey")]
public sealed record OneTimePreKey(
    [property: Id(0)] uint KeyId,
    [property: Id(1)] byte[] PublicKey);

/// <summary>A signed ML-KEM-768 prekey (1184-byte encapsulation key): last-resort or one-time.</summary>
[GenerateSerializer, Immutable, Alias("xchat.KemPreKey")]
public sealed record KemPreKey(
    [property: Id(0)] uint KeyId,
    [property: Id(1)] byte[] PublicKey,
    [property: Id(2)] byte[] Signature);

/// <summary>
/// One upload of public prekeys. Each part is optional: a signed prekey or a last-resort KEM prekey
/// replaces the stored one (rotation); one-time keys are added to those stored.
/// </summary>
[GenerateSerializer, Immutable, Alias("xchat.PreKeyUpload")]
public sealed record PreKeyUpload(
    [property: Id(0)] SignedPreKey? SignedPreKey,
    [property: Id(1)] IReadOnlyList<OneTimePreKey> OneTimePreKeys,
    [property: Id(2)] KemPreKey? KemLastResortPreKey,
    [property: Id(3)] IReadOnlyList<KemPreKey> KemOneTimePreKeys);

/// <summary>How many one-time prekeys of each kind the device still has on the server.</summary>
[GenerateSerializer, Immutable, Alias("xchat.PreKeyCounts")]
public sealed record PreKeyCounts(
    [property: Id(0)] int OneTimePreKeys,
    [property: Id(1)] int KemOneTimePreKeys);

/// <summary>
/// What a peer needs to start a PQXDH session with the device (identity keys come from the user):
/// the signed prekey, a one-time X25519 prekey while any is left, and a one-time KEM prekey or,
/// when none is left, the last-resort KEM prekey.
/// </summary>
[GenerateSerializer, Immutable, Alias("xchat.DevicePreKeyBundle")]
public sealed record DevicePreKeyBundle(
    [property: Id(0)] SignedPreKey SignedPreKey,
    [property: Id(1)] OneTimePreKey? OneTimePreKey,
    [property: Id(2)] KemPreKey KemPreKey,
    [property: Id(3)] bool KemPreKeyIsLastResort,
    [property: Id(4)] PreKeyCounts Remaining);
