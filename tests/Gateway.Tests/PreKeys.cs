using Google.Protobuf;
using XChat.Client.Crypto;
using XChat.Client.Transport;
using XChat.Protocol;

namespace XChat.Gateway.Tests;

/// <summary>Real prekeys (X25519, ML-KEM-768) signed by a device identity, as a client uploads them.</summary>
internal static class PreKeys
{
    public static SignedPreKey Signed(DeviceIdentity identity, uint id)
    {
        var key = X25519.GenerateKeyPair().PublicKey;
        return new SignedPreKey { KeyId = id, PublicKey = ByteString.CopyFrom(key), Signature = ByteString.CopyFrom(identity.Sign(PreKeySigningInput.SignedPreKey(key))) };
    }

    public static OneTimePreKey OneTime(uint id) =>
        new() { KeyId = id, PublicKey = ByteString.CopyFrom(X25519.GenerateKeyPair().PublicKey) };

    public static KemPreKey Kem(DeviceIdentity identity, uint id)
    {
        var key = MlKem768.GenerateKeyPair().PublicKey;
        return new KemPreKey { KeyId = id, PublicKey = ByteString.CopyFrom(key), Signature = ByteString.CopyFrom(identity.Sign(PreKeySigningInput.KemPreKey(key))) };
    }

    /// <summary>Signed prekey 1, one-time keys 1..n, last-resort KEM key 100, one-time KEM keys 1..m.</summary>
    public static UploadPreKeysRequest Initial(DeviceIdentity identity, int oneTime, int kemOneTime)
    {
        var request = new UploadPreKeysRequest { SignedPreKey = Signed(identity, 1), KemLastResortPreKey = Kem(identity, 100) };
        request.OneTimePreKeys.AddRange(Enumerable.Range(1, oneTime).Select(i => OneTime((uint)i)));
        request.KemOneTimePreKeys.AddRange(Enumerable.Range(1, kemOneTime).Select(i => Kem(identity, (uint)i)));
        return request;
    }

    public static ClientFrame Upload(UploadPreKeysRequest request) => new() { UploadPreKeys = request };

    public static ClientFrame GetBundle(string userId, uint deviceId) =>
        new() { GetPreKeyBundle = new GetPreKeyBundleRequest { UserId = userId, DeviceId = deviceId } };

    public static ClientFrame GetCounts() => new() { GetPreKeyCounts = new GetPreKeyCountsRequest() };
}
