using XChat.Grains.Conversations;
using XChat.Grains.Live;

namespace XChat.Grains.Users;

// Presence (online / last seen, issue 5 item 4) and the typing fan-out (item 3).
public sealed partial class UserGrain : IUserPresenceGrain
{
    // When a device last subscribed or unsubscribed in this activation: the last-seen time of a user
    // whose subscriptions expired without an unsubscribe (a gateway that died).
    private DateTimeOffset? _lastActive;

    public async Task<PresenceInfo> GetPresenceAsync(string callerUserId)
    {
        var userId = UserId;
        var unknown = new PresenceInfo(userId, PresenceStatus.Unknown, 0);
        if (state.State.Handle is null)
        {
            return unknown;
        }

        if (callerUserId != userId && (state.State.PresenceHidden || !await SharesConversationWithAsync(callerUserId)))
        {
            return unknown;
        }

        if (_subscriptions.AnyLive())
        {
            return new PresenceInfo(userId, PresenceStatus.Online, 0);
        }

        var lastSeen = Math.Max(state.State.LastSeenMs, _lastActive?.ToUnixTimeMilliseconds() ?? 0);
        return new PresenceInfo(userId, PresenceStatus.Offline, lastSeen);
    }

    public async Task SetPresenceHiddenAsync(bool hidden)
    {
        EnsureExists();
        if (state.State.PresenceHidden != hidden)
        {
            state.State.PresenceHidden = hidden;
            await state.WriteStateAsync();
        }
    }

    public Task PushTypingAsync(TypingEvent typing)
    {
        var userId = UserId;
        foreach (var (observer, deviceIds) in _subscriptions.ByObserver())
        {
            var receivers = deviceIds.Where(d => typing.Device.UserId != userId || typing.Device.DeviceId != d).ToArray();
            if (receivers.Length > 0)
            {
                observer.OnTypingAsync(userId, receivers, typing).Ignore();
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>A direct conversation is found by its id alone; otherwise the caller's conversation list is asked.</summary>
    private async Task<bool> SharesConversationWithAsync(string callerUserId)
    {
        var userId = UserId;
        if (string.Equals(callerUserId, userId, StringComparison.Ordinal))
        {
            return true;
        }

        if (state.State.Conversations.Contains(ConversationIds.ForDirect(callerUserId, userId)))
        {
            return true;
        }

        var theirs = await GrainFactory.GetGrain<IUserGrain>(callerUserId).GetConversationsAsync();
        return theirs.Any(state.State.Conversations.Contains);
    }

    /// <summary>Stores the last-seen time when the user's last online device went away (one small write per going offline).</summary>
    private async Task RecordLastSeenAsync()
    {
        var now = time.GetUtcNow();
        _lastActive = now;
        if (state.State.Handle is null || _subscriptions.AnyLive())
        {
            return;
        }

        state.State.LastSeenMs = now.ToUnixTimeMilliseconds();
        await state.WriteStateAsync();
    }
}
