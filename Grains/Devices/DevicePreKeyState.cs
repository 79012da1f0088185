namespace XChat.Grains.Devices;

/// <summary>
/// Persistent state of a device (state name "device-keys"): its public prekeys. Bounded by the
/// configured maxima: with the defaults (100 one-time X25519 keys of 36 bytes, 100 one-time KEM keys
/// of 1,252 bytes, a signed prekey and a last-resort KEM key) about 130 KB of key material, stored
/// as about 195 KB (measured on SQLite: the storage serializer writes JSON with base64 byte arrays;
/// see PreKeyPersistenceTests). The whole record is rewritten on every upload and on every bundle
/// that takes a one-time key, which happens once per new session with the device; bundles that
/// only fall back to the last-resort key write nothing.
/// </summary>
[GenerateSerializer, Alias("xchat.DevicePreKeyState")]
public sealed class DevicePreKeyState
{
    [Id(0)] public SignedPreKey? SignedPreKey { get; set; }

    /// <summary>One-time X25519 keys not handed out yet, oldest first.</summary>
    [Id(1)] public List<OneTimePreKey> OneTimePreKeys { get; set; } = [];

    [Id(2)] public KemPreKey? KemLastResortPreKey { get; set; }

    /// <summary>One-time KEM keys not handed out yet, oldest first.</summary>
    [Id(3)] public List<KemPreKey> KemOneTimePreKeys { get; set; } = [];

    public PreKeyCounts Counts => new(OneTimePreKeys.Count, KemOneTimePreKeys.Count);
}
