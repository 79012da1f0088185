using XChat.Protocol;

namespace XChat.Client.Transport;

// The prekey operations of PROTOCOL.md §4 ("Prekeys"). The caller builds and signs the keys
// (PreKeySigningInput gives the bytes to sign); this layer only carries them.
public sealed partial class XChatConnection
{
    /// <summary>Uploads this device's public prekeys; returns the one-time counts stored afterwards.</summary>
    public async Task<PreKeyCounts> UploadPreKeysAsync(UploadPreKeysRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var answer = await RequestAsync(new ClientFrame { UploadPreKeys = request }, cancellationToken).ConfigureAwait(false);
        return Expect(answer, ServerFrame.BodyOneofCase.PreKeyCounts).PreKeyCounts;
    }

    /// <summary>
    /// Takes a prekey bundle of one device to start a session with it. Not retried on a lost
    /// answer: a retry would take another one-time key (the lost one is simply never used).
    /// </summary>
    public async Task<PreKeyBundle> GetPreKeyBundleAsync(string userId, uint deviceId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        var request = new GetPreKeyBundleRequest { UserId = userId, DeviceId = deviceId };
        var answer = await RequestAsync(new ClientFrame { GetPreKeyBundle = request }, cancellationToken).ConfigureAwait(false);
        return Expect(answer, ServerFrame.BodyOneofCase.PreKeyBundle).PreKeyBundle;
    }

    /// <summary>How many one-time prekeys of each kind this device has left on the server.</summary>
    public async Task<PreKeyCounts> GetPreKeyCountsAsync(CancellationToken cancellationToken = default)
    {
        var answer = await RequestAsync(new ClientFrame { GetPreKeyCounts = new GetPreKeyCountsRequest() }, cancellationToken).ConfigureAwait(false);
        return Expect(answer, ServerFrame.BodyOneofCase.PreKeyCounts).PreKeyCounts;
    }
}
