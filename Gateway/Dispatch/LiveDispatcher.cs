using XChat.Gateway.Connections;
using XChat.Grains.Conversations;
using XChat.Grains.Live;
using XChat.Protocol;

namespace XChat.Gateway.Dispatch;

/// <summary>Typing, presence and the disappearing-message timer (PROTOCOL.md "Typing and presence", "Disappearing messages").</summary>
public sealed class LiveDispatcher(IGrainFactory grains, ConnectionRegistry registry)
{
    /// <summary>Most users one presence request may ask about.</summary>
    public const int MaxPresenceUsers = 256;

    public async Task<ServerFrame> TypingAsync(DeviceAddress device, TypingRequest request)
    {
        var conversationId = RequestDispatcher.RequireConversationId(request.ConversationId);
        // Each indicator fans out to every member: it draws on the device's send bucket like a message.
        if (!registry.RateLimiter(device).TryTake(out var retryAfter))
        {
            throw new RequestException(ErrorCode.RateLimited, "Too many sends; slow down.", (uint)Math.Ceiling(retryAfter.TotalMilliseconds));
        }

        await grains.GetGrain<IConversationLiveGrain>(conversationId).SendTypingAsync(device, request.Typing);
        return new ServerFrame { Ok = new Empty() };
    }

    public async Task<ServerFrame> GetPresenceAsync(DeviceAddress device, GetPresenceRequest request)
    {
        if (request.UserIds.Count is 0 or > MaxPresenceUsers)
        {
            throw new RequestException(ErrorCode.BadRequest, $"Ask about 1 to {MaxPresenceUsers} users.");
        }

        var userIds = request.UserIds.Select(RequestDispatcher.RequireUserId).Distinct(StringComparer.Ordinal).ToArray();
        var presences = await Task.WhenAll(userIds.Select(u => grains.GetGrain<IUserPresenceGrain>(u).GetPresenceAsync(device.UserId)));
        var list = new PresenceList();
        list.Users.AddRange(presences.Select(p => new Presence
        {
            UserId = p.UserId,
            Status = p.Status switch
            {
                Grains.Live.PresenceStatus.Online => Protocol.PresenceStatus.Online,
                Grains.Live.PresenceStatus.Offline => Protocol.PresenceStatus.Offline,
                _ => Protocol.PresenceStatus.Unknown,
            },
            LastSeenMs = p.LastSeenMs,
        }));
        return new ServerFrame { Presence = list };
    }

    public async Task<ServerFrame> SetPresenceVisibilityAsync(DeviceAddress device, SetPresenceVisibilityRequest request)
    {
        await grains.GetGrain<IUserPresenceGrain>(device.UserId).SetPresenceHiddenAsync(request.Hidden);
        return new ServerFrame { Ok = new Empty() };
    }

    public async Task<ServerFrame> SetDisappearingAsync(DeviceAddress device, SetDisappearingRequest request)
    {
        var conversationId = RequestDispatcher.RequireConversationId(request.ConversationId);
        var snapshot = await grains.GetGrain<IConversationLiveGrain>(conversationId)
            .SetDisappearingAsync(device.UserId, TimeSpan.FromSeconds(request.DurationSeconds));
        return new ServerFrame { Conversation = ProtoMapping.ToInfo(snapshot, 0) };
    }
}
