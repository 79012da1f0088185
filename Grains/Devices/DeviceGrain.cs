using Microsoft.Extensions.Options;
using XChat.Grains.Hosting;
using XChat.Grains.Storage;

namespace XChat.Grains.Devices;

/// <summary>
/// A device: its delivery cursors and its public prekeys. Cursors move on every ack, so they are not
/// grain state: each ack is an upsert that the message store group-commits with the acks of every
/// other device. Prekeys change rarely and are grain state (<see cref="DevicePreKeyState"/>).
/// </summary>
public sealed partial class DeviceGrain(
    IMessageStore store,
    [PersistentState("device-keys", StorageNames.GrainState)] IPersistentState<DevicePreKeyState> preKeys,
    IOptions<XChatGrainOptions> options) : Grain, IDeviceGrain
{
    private Dictionary<string, long> _cursors = [];
    private string? _deviceKey;

    // GetPrimaryKeyString decodes the grain id into a new string on every call, and every ack asks: decode once.
    private string DeviceKey => _deviceKey ??= this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _cursors = new Dictionary<string, long>(await store.LoadCursorsAsync(DeviceKey, cancellationToken));
    }

    public Task<long> GetCursorAsync(string conversationId) =>
        Task.FromResult(_cursors.GetValueOrDefault(conversationId));

    public Task<IReadOnlyDictionary<string, long>> GetCursorsAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, long>>(new Dictionary<string, long>(_cursors));

    public async Task AckAsync(string conversationId, long seq)
    {
        if (seq <= _cursors.GetValueOrDefault(conversationId))
        {
            return;
        }

        // The store keeps the maximum, so interleaved acks committing out of order cannot move a cursor back.
        await store.SaveCursorsAsync([new CursorUpdate(DeviceKey, conversationId, seq)]);
        if (seq > _cursors.GetValueOrDefault(conversationId))
        {
            _cursors[conversationId] = seq;
        }
    }
}
