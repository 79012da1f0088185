using System.Security.Cryptography;
using XChat.Grains.Devices;

namespace XChat.Grains.Tests.Grains;

/// <summary>Prekey uploads of well-formed random keys (the grain checks shapes; signatures are the gateway's).</summary>
internal static class TestPreKeys
{
    public static string NewDeviceKey() => $"{Guid.NewGuid():N}/1";

    public static SignedPreKey Signed(uint id) =>
        new(id, RandomNumberGenerator.GetBytes(PreKeyRules.X25519PublicKeyBytes), RandomNumberGenerator.GetBytes(PreKeyRules.SignatureBytes));

    public static OneTimePreKey OneTime(uint id) => new(id, RandomNumberGenerator.GetBytes(PreKeyRules.X25519PublicKeyBytes));

    public static KemPreKey Kem(uint id) =>
        new(id, RandomNumberGenerator.GetBytes(PreKeyRules.KemPublicKeyBytes), RandomNumberGenerator.GetBytes(PreKeyRules.SignatureBytes));

    public static OneTimePreKey[] OneTimeRange(uint firstId, int count) =>
        Enumerable.Range(0, count).Select(i => OneTime(firstId + (uint)i)).ToArray();

    public static KemPreKey[] KemRange(uint firstId, int count) =>
        Enumerable.Range(0, count).Select(i => Kem(firstId + (uint)i)).ToArray();

    /// <summary>A first upload: signed prekey 1, last-resort KEM key 1000, and the one-time keys asked for (ids from 1, KEM ids from 1).</summary>
    public static PreKeyUpload Initial(int oneTime, int kemOneTime) =>
        new(Signed(1), OneTimeRange(1, oneTime), Kem(1000), KemRange(1, kemOneTime));

    /// <summary>One-time keys only, as a replenishing upload.</summary>
    public static PreKeyUpload OneTimeOnly(OneTimePreKey[] oneTime, KemPreKey[] kemOneTime) => new(null, oneTime, null, kemOneTime);
}
