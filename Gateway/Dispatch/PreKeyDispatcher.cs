using Google.Protobuf;
using XChat.Gateway.Auth;
using XChat.Gateway.Connections;
using XChat.Gateway.Hosting;
using XChat.Grains.Conversations;
using XChat.Grains.Devices;
using XChat.Grains.Users;
using XChat.Protocol;
using GrainKemPreKey = XChat.Grains.Devices.KemPreKey;
using GrainOneTimePreKey = XChat.Grains.Devices.OneTimePreKey;
using GrainPreKeyCounts = XChat.Grains.Devices.PreKeyCounts;
using GrainSignedPreKey = XChat.Grains.Devices.SignedPreKey;
using WireKemPreKey = XChat.Protocol.KemPreKey;
using WireOneTimePreKey = XChat.Protocol.OneTimePreKey;
using WirePreKeyCounts = XChat.Protocol.PreKeyCounts;
using WireSignedPreKey = XChat.Protocol.SignedPreKey;

namespace XChat.Gateway.Dispatch;

/// <summary>
/// Prekey requests (PROTOCOL.md §4, "Prekeys"). The gateway verifies every prekey signature against
/// the uploading device's identity key before the device grain sees the upload, so the grain stores
/// only keys the device endorsed.
/// </summary>
public sealed class PreKeyDispatcher(GrainReferences references, ConnectionRegistry registry, GatewayMetrics metrics)
{
    public async Task<ServerFrame> UploadAsync(DeviceAddress device, UploadPreKeysRequest request)
    {
        var upload = new PreKeyUpload(
            request.SignedPreKey is { } signed ? new GrainSignedPreKey(signed.KeyId, signed.PublicKey.ToByteArray(), signed.Signature.ToByteArray()) : null,
            request.OneTimePreKeys.Select(k => new GrainOneTimePreKey(k.KeyId, k.PublicKey.ToByteArray())).ToArray(),
            request.KemLastResortPreKey is { } lastResort ? FromWire(lastResort) : null,
            request.KemOneTimePreKeys.Select(FromWire).ToArray());
        // Sizes first: cheap, and a signature over a key of the wrong size means nothing.
        PreKeyRules.Validate(upload);

        var identity = await references.User(device.UserId).GetDeviceKeysAsync(device.DeviceId)
            ?? throw new RequestException(ErrorCode.NotFound, "No such device.");
        var identityKey = identity.IdentitySigningKey;
        if (upload.SignedPreKey is { } spk && !ChallengeSignatures.Verify(identityKey, PreKeySigningInput.SignedPreKey(spk.PublicKey), spk.Signature))
        {
            throw new RequestException(ErrorCode.BadRequest, "The signed prekey's signature does not verify.");
        }

        var kemKeys = upload.KemLastResortPreKey is { } kem ? upload.KemOneTimePreKeys.Prepend(kem) : upload.KemOneTimePreKeys;
        if (kemKeys.Any(k => !ChallengeSignatures.Verify(identityKey, PreKeySigningInput.KemPreKey(k.PublicKey), k.Signature)))
        {
            throw new RequestException(ErrorCode.BadRequest, "A KEM prekey's signature does not verify.");
        }

        var counts = await references.Device(device).UploadPreKeysAsync(upload);
        return new ServerFrame { PreKeyCounts = ToWire(counts) };
    }

    public async Task<ServerFrame> GetBundleAsync(DeviceAddress requester, GetPreKeyBundleRequest request)
    {
        var target = new DeviceAddress(RequestDispatcher.RequireUserId(request.UserId), request.DeviceId);
        // Every fetch takes one of the target's one-time keys: a device that fetches without bound
        // could drain everyone's and push their sessions onto the last-resort keys.
        if (!registry.PreKeyFetchLimiter(requester).TryTake(out var retryAfter))
        {
            metrics.RateLimited();
            throw new RequestException(ErrorCode.RateLimited, "Too many prekey fetches; slow down.", (uint)Math.Ceiling(retryAfter.TotalMilliseconds));
        }

        // Asking the user first means a device that does not exist gets no grain activation (and no state row).
        var identity = await references.User(target.UserId).GetDeviceKeysAsync(target.DeviceId)
            ?? throw new RequestException(ErrorCode.NotFound, "No such device.");
        var bundle = await references.Device(target).FetchBundleAsync();
        return new ServerFrame { PreKeyBundle = ToWire(target, identity, bundle) };
    }

    public async Task<ServerFrame> GetCountsAsync(DeviceAddress device) =>
        new() { PreKeyCounts = ToWire(await references.Device(device).GetPreKeyCountsAsync()) };

    private static GrainKemPreKey FromWire(WireKemPreKey key) =>
        new(key.KeyId, key.PublicKey.ToByteArray(), key.Signature.ToByteArray());

    private static WirePreKeyCounts ToWire(GrainPreKeyCounts counts) =>
        new() { OneTimePreKeys = (uint)counts.OneTimePreKeys, KemOneTimePreKeys = (uint)counts.KemOneTimePreKeys };

    private static PreKeyBundle ToWire(DeviceAddress target, DeviceKeys identity, DevicePreKeyBundle bundle)
    {
        var wire = new PreKeyBundle
        {
            UserId = target.UserId,
            DeviceId = target.DeviceId,
            IdentitySigningKey = ByteString.CopyFrom(identity.IdentitySigningKey),
            IdentityAgreementKey = ByteString.CopyFrom(identity.IdentityAgreementKey),
            AgreementKeySignature = ByteString.CopyFrom(identity.AgreementKeySignature),
            SignedPreKey = new WireSignedPreKey
            {
                KeyId = bundle.SignedPreKey.KeyId,
                PublicKey = ByteString.CopyFrom(bundle.SignedPreKey.PublicKey),
                Signature = ByteString.CopyFrom(bundle.SignedPreKey.Signature),
            },
            KemPreKey = new WireKemPreKey
            {
                KeyId = bundle.KemPreKey.KeyId,
                PublicKey = ByteString.CopyFrom(bundle.KemPreKey.PublicKey),
                Signature = ByteString.CopyFrom(bundle.KemPreKey.Signature),
            },
            KemPreKeyIsLastResort = bundle.KemPreKeyIsLastResort,
            Remaining = ToWire(bundle.Remaining),
        };
        if (bundle.OneTimePreKey is { } oneTime)
        {
            wire.OneTimePreKey = new WireOneTimePreKey { KeyId = oneTime.KeyId, PublicKey = ByteString.CopyFrom(oneTime.PublicKey) };
        }

        return wire;
    }
}
