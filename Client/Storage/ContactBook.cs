namespace XChat.Client.Storage;

/// <summary>The profile's contacts: each handle names one user id and each user id has one handle.</summary>
public sealed class ContactBook
{
    private readonly ProfileDatabase _database;

    internal ContactBook(ProfileDatabase database) => _database = database;

    /// <summary>Records that <paramref name="handle"/> is <paramref name="userId"/>, replacing any older mapping of either.</summary>
    public Task SetAsync(string handle, string userId)
    {
        ArgumentException.ThrowIfNullOrEmpty(handle);
        ArgumentException.ThrowIfNullOrEmpty(userId);
        _database.InTransaction(() =>
        {
            _database.Execute("DELETE FROM contacts WHERE handle = $h OR user_id = $u", ("$h", handle), ("$u", userId));
            _database.Execute("INSERT INTO contacts (handle, user_id) VALUES ($h, $u)", ("$h", handle), ("$u", userId));
        });
        return Task.CompletedTask;
    }

    public Task<string?> GetUserIdAsync(string handle) =>
        Task.FromResult(_database.QuerySingle("SELECT user_id FROM contacts WHERE handle = $h", r => r.GetString(0), ("$h", handle)));

    public Task<string?> GetHandleAsync(string userId) =>
        Task.FromResult(_database.QuerySingle("SELECT handle FROM contacts WHERE user_id = $u", r => r.GetString(0), ("$u", userId)));

    /// <summary>Every contact as (handle, user id), by handle.</summary>
    public Task<IReadOnlyList<(string Handle, string UserId)>> ListAsync()
    {
        IReadOnlyList<(string, string)> contacts = _database.Query("SELECT handle, user_id FROM contacts ORDER BY handle", r => (r.GetString(0), r.GetString(1)));
        return Task.FromResult(contacts);
    }
}
