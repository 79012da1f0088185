using XChat.Grains.Conversations;

namespace XChat.Grains.Connections;

/// <summary>Implemented by each WebSocket gateway process; receives messages to push to its connected devices.</summary>
public interface IPushObserver : IGrainObserver
{
    /// <summary>
    /// Messages were committed (one conversation, ascending seq); deliver them to the listed devices
    /// of the user that are connected here, leaving out each message's own sending device. Neither
    /// list is copied on a call inside one process ([Immutable]): the user grain's device groups are
    /// rebuilt, never changed in place, and the messages are read-only.
    /// </summary>
    [OneWay]
    Task OnMessagesAsync(string userId, [Immutable] IReadOnlyList<uint> deviceIds, [Immutable] IReadOnlyList<PushedMessage> messages);

    /// <summary>A member is typing (or stopped) in a conversation of the user; deliver it to the listed devices connected here.</summary>
    [OneWay]
    Task OnTypingAsync(string userId, IReadOnlyList<uint> deviceIds, Live.TypingEvent typing);
}
