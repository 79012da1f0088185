using XChat.Grains.Conversations;
using XChat.Grains.Errors;
using XChat.Grains.Live;

namespace XChat.Grains.Conversations;

// Disappearing messages and typing indicators (issue 5, items 3 and 5).
public sealed partial class ConversationGrain : IConversationLiveGrain
{
    public async Task<ConversationSnapshot> SetDisappearingAsync(string callerUserId, TimeSpan duration)
    {
        EnsureMember(callerUserId);
        if (!DisappearingRules.IsValid(duration))
        {
            throw new InvalidRequestException($"A disappearing timer is 0 (off) or {DisappearingRules.MinDuration.TotalSeconds:0} s to {DisappearingRules.MaxDuration.TotalDays:0} days.");
        }

        var ms = (long)duration.TotalMilliseconds;
        if (state.State.DisappearAfterMs != ms)
        {
            var previous = state.State.DisappearAfterMs;
            state.State.DisappearAfterMs = ms;
            try
            {
                await state.WriteStateAsync();
            }
            catch
            {
                state.State.DisappearAfterMs = previous;
                throw;
            }
        }

        return Snapshot();
    }

    /// <summary>
    /// One one-way call per member; the user grains push to whichever devices are online. Nothing here
    /// writes state or touches the message store: typing is ephemeral by design.
    /// </summary>
    public Task SendTypingAsync(DeviceAddress sender, bool typing)
    {
        EnsureMember(sender.UserId);
        var typingEvent = new TypingEvent(Id, sender, typing);
        foreach (var member in state.State.Members)
        {
            GrainFactory.GetGrain<IUserPresenceGrain>(member).PushTypingAsync(typingEvent).Ignore();
        }

        return Task.CompletedTask;
    }

    /// <summary>The expiry of a message committed at <paramref name="nowMs"/>, or null when the conversation has no timer.</summary>
    private long? ExpiryFor(long nowMs) => state.State.DisappearAfterMs > 0 ? nowMs + state.State.DisappearAfterMs : null;
}
