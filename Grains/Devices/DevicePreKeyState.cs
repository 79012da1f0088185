namespace XChat.Grains.Devices;

/// <summary>
/// Persistent state of a device: its public prekeys. Bounded by the configured maxima: with the
/// defaults (100 one-time X25519 keys of 36 bytes, 100 one-time KEM keys of 1,252 bytes, a signed
/// prekey and a last-resort KEM key) about 130 KB of key material, plus the storage serializer's
/// overhead (a third more where it writes byte arrays as base64 text). Written on every upload and on every bundle that takes a one-time key;
/// fallback bundles write nothing.
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
