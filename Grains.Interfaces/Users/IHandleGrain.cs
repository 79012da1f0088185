namespace XChat.Grains.Users;

/// <summary>Owns one handle (key: the canonical lower-case handle) and so makes handles unique.</summary>
public interface IHandleGrain : IGrainWithStringKey
{
    /// <summary>Creates a user that owns this handle, with the given keys as its first device.</summary>
    /// <exception cref="Errors.HandleTakenException">Another user owns the handle.</exception>
    Task<Registration> RegisterAsync(DeviceKeys firstDevice);

    /// <summary>The id of the user that owns the handle, or null.</summary>
    Task<string?> GetUserIdAsync();
}
