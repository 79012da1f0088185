using XChat.Grains.Users;

namespace XChat.Grains.Users;

/// <summary>Persistent state of a user: small, written only when devices or memberships change.</summary>
[GenerateSerializer, Alias("xchat.UserState")]
public sealed class UserState
{
    [Id(0)] public string? Handle { get; set; }
    [Id(1)] public List<DeviceRecord> Devices { get; set; } = [];
    [Id(2)] public HashSet<string> Conversations { get; set; } = [];
    [Id(3)] public uint NextDeviceId { get; set; } = 1;

    /// <summary>The user hides online / last seen from everyone else (UserGrain.Presence.cs).</summary>
    [Id(10)] public bool PresenceHidden { get; set; }

    /// <summary>When the user's last device went offline, Unix ms; written once per going offline, not per message.</summary>
    [Id(11)] public long LastSeenMs { get; set; }
}

/// <summary>Persistent state of a handle: the user that owns it.</summary>
[GenerateSerializer, Alias("xchat.HandleState")]
public sealed class HandleState
{
    [Id(0)] public string? UserId { get; set; }
}
