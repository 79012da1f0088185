using XChat.Grains.Storage;

namespace XChat.Grains.Devices;

// Read cursors: what the device's user has read, per conversation. They live in the cursor table
// beside the delivery cursors, under the key "{userId}/{deviceId}#read", and are group-committed
// the same way. Loaded on first use: most activations only deliver.
public sealed partial class DeviceGrain
{
    /// <summary>Appended to the device key to name its read cursors in the cursor table.</summary>
    public const string ReadCursorSuffix = "#read";

    private Task<Dictionary<string, long>>? _readCursors;

    private string ReadKey => DeviceKey + ReadCursorSuffix;

    public async Task MarkReadAsync(string conversationId, long seq)
    {
        var read = await ReadCursorsAsync();
        if (seq <= read.GetValueOrDefault(conversationId))
        {
            return;
        }

        await store.SaveCursorsAsync([new CursorUpdate(ReadKey, conversationId, seq)]);
        if (seq > read.GetValueOrDefault(conversationId))
        {
            read[conversationId] = seq;
        }
    }

    public async Task<IReadOnlyDictionary<string, long>> GetReadCursorsAsync() =>
        new Dictionary<string, long>(await ReadCursorsAsync());

    public async Task<long> GetReadCursorAsync(string conversationId) =>
        (await ReadCursorsAsync()).GetValueOrDefault(conversationId);

    // One load per activation even when calls interleave: they share the task.
    private Task<Dictionary<string, long>> ReadCursorsAsync()
    {
        if (_readCursors is { IsFaulted: true })
        {
            _readCursors = null; // a failed load is retried by the next call
        }

        return _readCursors ??= LoadReadCursorsAsync();
    }

    private async Task<Dictionary<string, long>> LoadReadCursorsAsync() =>
        new(await store.LoadCursorsAsync(ReadKey), StringComparer.Ordinal);
}
