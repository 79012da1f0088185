using XChat.Grains.Conversations;

namespace XChat.Grains.Connections;

/// <summary>Implemented by each WebSocket gateway process; receives messages to push to its connected devices.</summary>
public interface IPushObserver : IGrainObserver
{
    /// <summary>A message was committed; deliver it to the listed devices of the user if they are connected here.</summary>
    [OneWay]
    Task OnMessageAsync(string userId, IReadOnlyList<uint> deviceIds, PushedMessage message);
}
