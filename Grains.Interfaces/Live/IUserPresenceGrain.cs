namespace XChat.Grains.Live;

/// <summary>
/// The user grain's presence and typing fan-out (same key and activation as <see cref="Users.IUserGrain"/>).
/// Online means at least one device holds a live push subscription.
/// </summary>
public interface IUserPresenceGrain : IGrainWithStringKey
{
    /// <summary>
    /// This user's presence as <paramref name="callerUserId"/> may see it: <see cref="PresenceStatus.Unknown"/>
    /// when the user hides it, does not exist, or shares no conversation with the caller.
    /// </summary>
    Task<PresenceInfo> GetPresenceAsync(string callerUserId);

    /// <summary>Hides or shows this user's presence to everyone else. Stored in the user's state.</summary>
    Task SetPresenceHiddenAsync(bool hidden);

    /// <summary>Pushes a typing indicator to this user's online devices, except the typing device itself. Never stored.</summary>
    [OneWay]
    Task PushTypingAsync(TypingEvent typing);
}
