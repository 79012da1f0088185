using Microsoft.Extensions.Options;
using XChat.Grains.Connections;
using XChat.Grains.Errors;
using XChat.Grains.Hosting;

namespace XChat.Grains.Users;

/// <summary>
/// A user: handle, devices, conversations (persistent, small), and the push subscriptions of its
/// online devices (in memory only: gateways refresh them, and a lost one only delays a push
/// until the device syncs).
/// </summary>
public sealed partial class UserGrain(
    [PersistentState("user", StorageNames.GrainState)] IPersistentState<UserState> state,
    IOptions<XChatGrainOptions> options,
    TimeProvider time) : Grain, IUserGrain
{
    private readonly PushSubscriptions _subscriptions = new(options.Value.PushSubscriptionLifetime, time);
    private string? _userId;

    // GetPrimaryKeyString decodes the grain id into a new string on every call, and every push asks: decode once.
    private string UserId => _userId ??= this.GetPrimaryKeyString();

    public async Task<Registration> CreateAsync(string handle, DeviceKeys firstDevice)
    {
        if (state.State.Handle is not null)
        {
            if (state.State.Handle == handle)
            {
                return new Registration(UserId, state.State.Devices[0].DeviceId);
            }

            throw new InvalidRequestException("The user already exists.");
        }

        DeviceKeyRules.Validate(firstDevice);
        var deviceId = state.State.NextDeviceId++;
        state.State.Handle = handle;
        state.State.Devices.Add(new DeviceRecord(deviceId, firstDevice, time.GetUtcNow()));
        await state.WriteStateAsync();
        return new Registration(UserId, deviceId);
    }

    public Task<UserProfile?> GetProfileAsync() =>
        Task.FromResult(state.State.Handle is null
            ? null
            : new UserProfile(UserId, state.State.Handle, state.State.Devices.ToArray()));

    public Task<DeviceKeys?> GetDeviceKeysAsync(uint deviceId) =>
        Task.FromResult(state.State.Devices.FirstOrDefault(d => d.DeviceId == deviceId)?.Keys);

    public async Task<Registration> AddDeviceAsync(DeviceKeys keys)
    {
        EnsureExists();
        DeviceKeyRules.Validate(keys);
        if (state.State.Devices.FirstOrDefault(d => d.Keys.IdentitySigningKey.AsSpan().SequenceEqual(keys.IdentitySigningKey)) is { } known)
        {
            return new Registration(UserId, known.DeviceId);
        }

        if (state.State.Devices.Count >= options.Value.MaxDevicesPerUser)
        {
            throw new LimitReachedException($"A user has at most {options.Value.MaxDevicesPerUser} devices.");
        }

        // Device ids are never reused, so a ciphertext or cursor of a former device never reaches a new one.
        var deviceId = state.State.NextDeviceId++;
        state.State.Devices.Add(new DeviceRecord(deviceId, keys, time.GetUtcNow()));
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State.Devices.RemoveAt(state.State.Devices.Count - 1);
            state.State.NextDeviceId--;
            throw;
        }

        return new Registration(UserId, deviceId);
    }

    public Task<IReadOnlyList<uint>> GetDeviceIdsAsync() =>
        Task.FromResult<IReadOnlyList<uint>>(state.State.Devices.Select(d => d.DeviceId).Order().ToArray());

    public async Task AddConversationAsync(string conversationId)
    {
        EnsureExists();
        if (state.State.Conversations.Add(conversationId))
        {
            await state.WriteStateAsync();
        }
    }

    public async Task RemoveConversationAsync(string conversationId)
    {
        if (state.State.Conversations.Remove(conversationId))
        {
            await state.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<string>> GetConversationsAsync() =>
        Task.FromResult<IReadOnlyList<string>>(state.State.Conversations.Order(StringComparer.Ordinal).ToArray());

    public Task<bool> SubscribeAsync(uint deviceId, IPushObserver observer)
    {
        EnsureExists();
        if (state.State.Devices.All(d => d.DeviceId != deviceId))
        {
            throw new NotFoundException("No such device.");
        }

        _lastActive = time.GetUtcNow();
        return Task.FromResult(_subscriptions.Add(deviceId, observer));
    }

    public Task UnsubscribeAsync(uint deviceId, IPushObserver observer)
    {
        _subscriptions.Remove(deviceId, observer);
        return RecordLastSeenAsync();
    }

    public Task PushAsync(IReadOnlyList<PushedMessage> messages)
    {
        // One call per gateway that holds at least one of the user's devices, not one per device.
        // A device is left out of the messages it sent itself (its SendResult told it the seq), so
        // a gateway that holds only the sender of every message gets no call at all.
        var userId = UserId;
        foreach (var (observer, deviceIds) in _subscriptions.ByObserver())
        {
            var receivers = ReceiversOf(deviceIds, userId, messages);
            if (receivers.Length > 0)
            {
                observer.OnMessagesAsync(userId, receivers, messages).Ignore();
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>The devices that get the batch: all but those that sent every message in it (the usual case needs no new array).</summary>
    private static uint[] ReceiversOf(uint[] deviceIds, string userId, IReadOnlyList<PushedMessage> messages)
    {
        List<uint>? some = null;
        for (var i = 0; i < deviceIds.Length; i++)
        {
            if (SentEvery(deviceIds[i], userId, messages))
            {
                some ??= [.. deviceIds.AsSpan(0, i)];
            }
            else
            {
                some?.Add(deviceIds[i]);
            }
        }

        return some is null ? deviceIds : [.. some];
    }

    private static bool SentEvery(uint deviceId, string userId, IReadOnlyList<PushedMessage> messages)
    {
        for (var i = 0; i < messages.Count; i++)
        {
            var sender = messages[i].Message.Sender;
            if (sender.DeviceId != deviceId || !string.Equals(sender.UserId, userId, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private void EnsureExists()
    {
        if (state.State.Handle is null)
        {
            throw new NotFoundException("No such user.");
        }
    }
}
