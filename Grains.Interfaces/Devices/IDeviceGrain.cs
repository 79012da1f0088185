namespace XChat.Grains.Devices;

/// <summary>One device (key: "{userId}/{deviceId}"): its delivery cursor per conversation and its public prekeys.</summary>
public interface IDeviceGrain : IGrainWithStringKey
{
    /// <summary>The device's cursor in a conversation: every seq at or below it was acknowledged. 0 when none.</summary>
    Task<long> GetCursorAsync(string conversationId);

    /// <summary>All of the device's cursors.</summary>
    Task<IReadOnlyDictionary<string, long>> GetCursorsAsync();

    /// <summary>Moves the cursor forward (never back) and returns once it is durable.</summary>
    [AlwaysInterleave]
    Task AckAsync(string conversationId, long seq);

    /// <summary>Moves the read cursor forward (never back) and returns once it is durable.</summary>
    [AlwaysInterleave]
    Task MarkReadAsync(string conversationId, long seq);

    /// <summary>All of the device's read cursors.</summary>
    Task<IReadOnlyDictionary<string, long>> GetReadCursorsAsync();

    /// <summary>
    /// The device's read cursor in one conversation (0 when none), for the members' receipts. The
    /// delivery cursor is not offered to others: delivery receipts are end-to-end encrypted.
    /// </summary>
    Task<long> GetReadCursorAsync(string conversationId);

    /// <summary>
    /// Stores prekeys the device uploaded (the caller has verified their signatures): a signed prekey
    /// or last-resort KEM prekey replaces the stored one, one-time keys are added. Returns the counts
    /// after the upload, once it is durable.
    /// </summary>
    /// <exception cref="Errors.InvalidRequestException">A size is wrong or an id is already stored; nothing is stored.</exception>
    /// <exception cref="Errors.LimitReachedException">More one-time keys than the configured maximum would be stored; nothing is stored.</exception>
    Task<PreKeyCounts> UploadPreKeysAsync(PreKeyUpload upload);

    /// <summary>
    /// Hands out a bundle for a new session. Each one-time key is in at most one bundle, ever: it is
    /// removed from durable state before the bundle is returned. Without one-time keys left the bundle
    /// has no one-time X25519 key and the last-resort KEM key.
    /// </summary>
    /// <exception cref="Errors.NotFoundException">The device has no signed prekey or no KEM prekey.</exception>
    Task<DevicePreKeyBundle> FetchBundleAsync();

    /// <summary>How many one-time prekeys of each kind are left, so the owner knows when to upload more.</summary>
    Task<PreKeyCounts> GetPreKeyCountsAsync();
}
