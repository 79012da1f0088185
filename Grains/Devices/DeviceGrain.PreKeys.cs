using XChat.Grains.Errors;

namespace XChat.Grains.Devices;

// Prekeys (DESIGN.md "Grains"): each one-time key leaves the grain in at most one bundle, ever.
//
// Why that holds:
// - The grain is not reentrant and only AckAsync interleaves (it never touches prekeys), so prekey
//   calls run one at a time: two concurrent fetchers cannot take the same key from memory.
// - A bundle is returned only after the state without its one-time keys is durably written. A silo
//   that dies before the write commits never sent the key, and the next activation still has it; one
//   that dies after the commit but before the answer loses the key, which is safe (never handed
//   out twice; the owner replenishes).
// - Writes carry the state's ETag, so a duplicate activation during a silo failure, holding the same
//   keys in memory, fails its write instead of handing out a key the other one already gave away.
// - A failed write leaves memory and storage possibly apart (the write may or may not have committed),
//   so the activation is dropped and the next call reads the truth from storage.
public sealed partial class DeviceGrain
{
    public async Task<PreKeyCounts> UploadPreKeysAsync(PreKeyUpload upload)
    {
        PreKeyRules.Validate(upload);
        var state = preKeys.State;
        var limits = options.Value;

        if (upload.OneTimePreKeys.Any(k => state.OneTimePreKeys.Exists(s => s.KeyId == k.KeyId)))
        {
            throw new InvalidRequestException("A one-time prekey with this id is already stored.");
        }

        var lastResortId = (upload.KemLastResortPreKey ?? state.KemLastResortPreKey)?.KeyId;
        if (upload.KemOneTimePreKeys.Any(k => k.KeyId == lastResortId || state.KemOneTimePreKeys.Exists(s => s.KeyId == k.KeyId))
            || state.KemOneTimePreKeys.Exists(s => s.KeyId == lastResortId))
        {
            throw new InvalidRequestException("A KEM prekey with this id is already stored.");
        }

        if (state.OneTimePreKeys.Count + upload.OneTimePreKeys.Count > limits.MaxOneTimePreKeys)
        {
            throw new LimitReachedException($"A device stores at most {limits.MaxOneTimePreKeys} one-time prekeys.");
        }

        if (state.KemOneTimePreKeys.Count + upload.KemOneTimePreKeys.Count > limits.MaxOneTimeKemPreKeys)
        {
            throw new LimitReachedException($"A device stores at most {limits.MaxOneTimeKemPreKeys} one-time KEM prekeys.");
        }

        // Every check passed: only now does memory change, and all of it in one write.
        state.SignedPreKey = upload.SignedPreKey ?? state.SignedPreKey;
        state.KemLastResortPreKey = upload.KemLastResortPreKey ?? state.KemLastResortPreKey;
        state.OneTimePreKeys.AddRange(upload.OneTimePreKeys);
        state.KemOneTimePreKeys.AddRange(upload.KemOneTimePreKeys);
        await WritePreKeysAsync();
        return state.Counts;
    }

    public async Task<DevicePreKeyBundle> FetchBundleAsync()
    {
        var state = preKeys.State;
        var signedPreKey = state.SignedPreKey;
        // PQXDH needs a signed prekey and a KEM prekey; without them nothing is taken.
        if (signedPreKey is null || (state.KemOneTimePreKeys.Count == 0 && state.KemLastResortPreKey is null))
        {
            throw new NotFoundException("The device has no prekeys.");
        }

        var oneTime = TakeFirst(state.OneTimePreKeys);
        var kemOneTime = TakeFirst(state.KemOneTimePreKeys);
        if (oneTime is not null || kemOneTime is not null)
        {
            // Write before return: see the top of this file.
            await WritePreKeysAsync();
        }

        return kemOneTime is not null
            ? new DevicePreKeyBundle(signedPreKey, oneTime, kemOneTime, KemPreKeyIsLastResort: false, state.Counts)
            : new DevicePreKeyBundle(signedPreKey, oneTime, state.KemLastResortPreKey!, KemPreKeyIsLastResort: true, state.Counts);
    }

    public Task<PreKeyCounts> GetPreKeyCountsAsync() => Task.FromResult(preKeys.State.Counts);

    private static T? TakeFirst<T>(List<T> keys) where T : class
    {
        if (keys.Count == 0)
        {
            return null;
        }

        var first = keys[0];
        keys.RemoveAt(0);
        return first;
    }

    private async Task WritePreKeysAsync()
    {
        try
        {
            await preKeys.WriteStateAsync();
        }
        catch (Exception e) when (e is not XChatException)
        {
            // Whether the write committed is unknown; reactivating reads storage again. Nothing is returned.
            DeactivateOnIdle();
            throw new StorageUnavailableException("Storing the device's prekeys failed; retry.");
        }
    }
}
