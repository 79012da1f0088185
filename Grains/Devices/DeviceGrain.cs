using XChat.Grains.Storage;

namespace XChat.Grains.Devices;

/// <summary>
/// A device's delivery cursors. They move on every ack, so they are not grain state: each ack is
/// an upsert that the message store group-commits with the acks of every other device.
/// </summary>
public sealed class DeviceGrain(IMessageStore store) : Grain, IDeviceGrain
{
    private Dictionary<string, long> _cursors = [];

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _cursors = new Dictionary<string, long>(await store.LoadCursorsAsync(this.GetPrimaryKeyString(), cancellationToken));
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
        await store.SaveCursorsAsync([new CursorUpdate(this.GetPrimaryKeyString(), conversationId, seq)]);
        if (seq > _cursors.GetValueOrDefault(conversationId))
        {
            _cursors[conversationId] = seq;
        }
    }
}
