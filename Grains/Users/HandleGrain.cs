using XChat.Grains.Errors;

namespace XChat.Grains.Users;

/// <summary>Makes handles unique: the first registration claims the handle, durably, before the user is created.</summary>
public sealed class HandleGrain(
    [PersistentState("handle", StorageNames.GrainState)] IPersistentState<HandleState> state,
    IGrainFactory grains) : Grain, IHandleGrain
{
    public async Task<Registration> RegisterAsync(DeviceKeys firstDevice)
    {
        // Checked before the claim is written: otherwise a registration with malformed keys would
        // claim the handle (GetUserIdAsync would name a user that does not exist) although it failed.
        DeviceKeyRules.Validate(firstDevice);
        var handle = this.GetPrimaryKeyString();
        // The grain is keyed by the canonical handle; a caller that skipped Handles.Normalize
        // must not create "Alice" next to "alice" (handles are unique case-insensitively).
        if (Handles.Normalize(handle) != handle)
        {
            throw new InvalidRequestException("The handle grain's key must be the canonical handle.");
        }

        if (state.State.UserId is { } owner)
        {
            // A claim whose user never finished creation (a crash between the two writes) is
            // completed by whoever registers next; a finished one is taken.
            var profile = await grains.GetGrain<IUserGrain>(owner).GetProfileAsync();
            if (profile is not null)
            {
                throw new HandleTakenException("The handle is already registered.");
            }
        }
        else
        {
            state.State.UserId = Guid.NewGuid().ToString("N");
            await state.WriteStateAsync();
        }

        return await grains.GetGrain<IUserGrain>(state.State.UserId).CreateAsync(handle, firstDevice);
    }

    public Task<string?> GetUserIdAsync() => Task.FromResult(state.State.UserId);
}
