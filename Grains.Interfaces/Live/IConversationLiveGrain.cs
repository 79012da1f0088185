using XChat.Grains.Conversations;

namespace XChat.Grains.Live;

/// <summary>
/// The conversation grain's live features (same key and activation as <see cref="IConversationGrain"/>):
/// the disappearing-message timer and typing indicators. Every method checks membership.
/// </summary>
public interface IConversationLiveGrain : IGrainWithStringKey
{
    /// <summary>Sets the disappearing-message timer (zero turns it off); messages appended afterwards expire that long after their server timestamp.</summary>
    /// <exception cref="Errors.InvalidRequestException">The duration is negative or longer than <see cref="DisappearingRules.MaxDuration"/>.</exception>
    Task<ConversationSnapshot> SetDisappearingAsync(string callerUserId, TimeSpan duration);

    /// <summary>Pushes a typing indicator to the members' online devices. Nothing is stored.</summary>
    [AlwaysInterleave]
    Task SendTypingAsync(DeviceAddress sender, bool typing);
}
