using XChat.Grains.Connections;

namespace XChat.Grains.Users;

/// <summary>A user (key: user id): handle, devices with public keys, conversations, and the push fan-out to online devices.</summary>
public interface IUserGrain : IGrainWithStringKey
{
    /// <summary>Initializes the user; called once by the handle's grain. Repeating it with the same handle is a no-op.</summary>
    Task<Registration> CreateAsync(string handle, DeviceKeys firstDevice);

    /// <summary>The profile, or null when the user does not exist.</summary>
    Task<UserProfile?> GetProfileAsync();

    /// <summary>The keys of one device, or null when the user or device does not exist.</summary>
    Task<DeviceKeys?> GetDeviceKeysAsync(uint deviceId);

    /// <summary>
    /// Adds a device with the given keys (signatures were verified by the caller); a device with
    /// the same identity signing key already there is returned instead, so a repeated link is
    /// idempotent.
    /// </summary>
    /// <exception cref="Errors.LimitReachedException">The user has the most devices allowed.</exception>
    Task<Registration> AddDeviceAsync(DeviceKeys keys);

    /// <summary>The ids of the user's devices, ascending; empty when the user does not exist.</summary>
    Task<IReadOnlyList<uint>> GetDeviceIdsAsync();

    /// <summary>Records that the user joined a conversation.</summary>
    Task AddConversationAsync(string conversationId);

    /// <summary>Records that the user left a conversation.</summary>
    Task RemoveConversationAsync(string conversationId);

    /// <summary>The conversations the user is a member of.</summary>
    Task<IReadOnlyList<string>> GetConversationsAsync();

    /// <summary>
    /// Registers (or refreshes) the observer that pushes to one online device; it expires unless
    /// refreshed. Returns true when the subscription was not there (new, expired, or lost with a
    /// silo): pushes may have been missed since, so the device should sync.
    /// </summary>
    Task<bool> SubscribeAsync(uint deviceId, IPushObserver observer);

    /// <summary>Removes a device's observer.</summary>
    Task UnsubscribeAsync(uint deviceId, IPushObserver observer);

    /// <summary>
    /// Pushes committed messages (one conversation, ascending seq) to the user's online devices,
    /// except each message's own sending device. Best effort: sync is the truth. The list is not
    /// copied on a call inside one process ([Immutable]): the conversation grain builds it for the
    /// push and shares it read-only, possibly with several members.
    /// </summary>
    [OneWay]
    Task PushAsync([Immutable] IReadOnlyList<PushedMessage> messages);
}
