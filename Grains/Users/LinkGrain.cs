using Microsoft.Extensions.Options;
using XChat.Grains.Conversations;
using XChat.Grains.Errors;
using XChat.Grains.Hosting;

namespace XChat.Grains.Users;

/// <summary>
/// A pending device link, in memory only (no storage write for something that lives minutes): if
/// its silo fails, the link is gone, the new device's wait ends with NOT_FOUND and it asks for a
/// new code. An approval that already added the device is safe to repeat: adding the same identity
/// key again returns the same device.
/// </summary>
public sealed class LinkGrain(IOptions<XChatGrainOptions> options, TimeProvider time) : Grain, ILinkGrain
{
    private PendingLink? _pending;
    private TaskCompletionSource<Registration> _approved = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<DateTimeOffset> StartAsync(string userId, DeviceKeys newDevice)
    {
        DeviceKeyRules.Validate(newDevice);
        if (Live() is not null || _approved.Task.IsCompleted)
        {
            throw new InvalidRequestException("The link code is in use.");
        }

        var expiresAt = time.GetUtcNow() + options.Value.LinkCodeLifetime;
        _pending = new PendingLink(userId, newDevice, expiresAt);
        // Keep the activation (and with it the link) at least as long as the link lives.
        DelayDeactivation(options.Value.LinkCodeLifetime + TimeSpan.FromMinutes(1));
        return Task.FromResult(expiresAt);
    }

    public Task<PendingLink?> GetPendingAsync() => Task.FromResult(_approved.Task.IsCompleted ? null : Live());

    public async Task<Registration> ApproveAsync(DeviceAddress approver, byte[] newSigningKey)
    {
        var pending = _approved.Task.IsCompleted ? null : Live();
        if (pending is null || !pending.NewDevice.IdentitySigningKey.AsSpan().SequenceEqual(newSigningKey))
        {
            throw new NotFoundException("No pending link has this code.");
        }

        if (pending.UserId != approver.UserId)
        {
            throw new ForbiddenException("Only a device of the same user may approve a link.");
        }

        var registration = await GrainFactory.GetGrain<IUserGrain>(pending.UserId).AddDeviceAsync(pending.NewDevice);
        _approved.TrySetResult(registration);
        return registration;
    }

    public async Task<Registration?> WaitForApprovalAsync(TimeSpan maxWait)
    {
        if (_approved.Task.IsCompleted)
        {
            return await _approved.Task;
        }

        if (Live() is not { } pending)
        {
            throw new NotFoundException("The link expired or was lost; ask for a new code.");
        }

        // Until approval, maxWait, or expiry. A timer may fire a little before the clock reaches
        // the expiry; then wait out the rest, so a null at expiry means the link is really gone.
        var giveUpAt = time.GetUtcNow() + maxWait;
        while (true)
        {
            var now = time.GetUtcNow();
            var until = pending.ExpiresAt < giveUpAt ? pending.ExpiresAt : giveUpAt;
            if (until <= now)
            {
                return null;
            }

            var done = await Task.WhenAny(_approved.Task, Task.Delay(until - now, time));
            if (done == _approved.Task)
            {
                return await _approved.Task;
            }
        }
    }

    private PendingLink? Live() => _pending is { } p && p.ExpiresAt > time.GetUtcNow() ? p : null;
}
