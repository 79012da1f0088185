namespace XChat.Grains.Devices;

/// <summary>One device (key: "{userId}/{deviceId}"): its delivery cursor per conversation.</summary>
public interface IDeviceGrain : IGrainWithStringKey
{
    /// <summary>The device's cursor in a conversation: every seq at or below it was acknowledged. 0 when none.</summary>
    Task<long> GetCursorAsync(string conversationId);

    /// <summary>All of the device's cursors.</summary>
    Task<IReadOnlyDictionary<string, long>> GetCursorsAsync();

    /// <summary>Moves the cursor forward (never back) and returns once it is durable.</summary>
    [AlwaysInterleave]
    Task AckAsync(string conversationId, long seq);
}
