using XChat.Grains.Conversations;

namespace XChat.Grains.Live;

/// <summary>A member's device started or stopped typing in a conversation.</summary>
[GenerateSerializer, Immutable, Alias("xchat.TypingEvent")]
public sealed record TypingEvent(
    [property: Id(0)] string ConversationId,
    [property: Id(1)] DeviceAddress Device,
    [property: Id(2)] bool Typing);

/// <summary>What another user may see of a user's presence.</summary>
[GenerateSerializer, Alias("xchat.PresenceStatus")]
public enum PresenceStatus
{
    Unknown = 0,
    Online = 1,
    Offline = 2,
}

/// <summary>A user's presence; <see cref="LastSeenMs"/> (Unix ms) only with <see cref="PresenceStatus.Offline"/>, 0 when not known.</summary>
[GenerateSerializer, Immutable, Alias("xchat.PresenceInfo")]
public sealed record PresenceInfo(
    [property: Id(0)] string UserId,
    [property: Id(1)] PresenceStatus Status,
    [property: Id(2)] long LastSeenMs);
