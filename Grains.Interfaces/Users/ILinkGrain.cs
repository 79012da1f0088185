using XChat.Grains.Conversations;

namespace XChat.Grains.Users;

/// <summary>
/// One pending device link (key: the canonical link code). Held in memory only: a link lives a few
/// minutes, and one lost with its silo fails like an expired one (the new device starts again).
/// </summary>
public interface ILinkGrain : IGrainWithStringKey
{
    /// <summary>Opens the link for a new device of the user; returns when it expires.</summary>
    /// <exception cref="Errors.InvalidRequestException">The code is already in use (the caller draws another).</exception>
    Task<DateTimeOffset> StartAsync(string userId, DeviceKeys newDevice);

    /// <summary>The pending link, or null when there is none (never started, expired, approved, or lost).</summary>
    Task<PendingLink?> GetPendingAsync();

    /// <summary>
    /// Adds the pending device to its user, as approved by a device of the same user whose signature
    /// the caller verified over exactly <paramref name="newSigningKey"/>.
    /// </summary>
    /// <exception cref="Errors.NotFoundException">No pending link, or another one than the signature covers.</exception>
    /// <exception cref="Errors.ForbiddenException">The approver belongs to another user.</exception>
    /// <exception cref="Errors.LimitReachedException">The user has the most devices allowed.</exception>
    Task<Registration> ApproveAsync(DeviceAddress approver, byte[] newSigningKey);

    /// <summary>
    /// Waits up to <paramref name="maxWait"/> for the approval: the new device, or null when not
    /// (yet) approved. Throws NotFoundException when the link is gone (expired or lost).
    /// </summary>
    [AlwaysInterleave]
    Task<Registration?> WaitForApprovalAsync(TimeSpan maxWait);
}

/// <summary>A link waiting for approval: the user it joins and the new device's keys.</summary>
[GenerateSerializer, Immutable, Alias("xchat.PendingLink")]
public sealed record PendingLink(
    [property: Id(0)] string UserId,
    [property: Id(1)] DeviceKeys NewDevice,
    [property: Id(2)] DateTimeOffset ExpiresAt);
