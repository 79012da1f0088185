using System.Text.Json;

namespace XChat.Client.Storage;

/// <summary>The profile's groups: one encrypted cell per group conversation (name, members and sender key holders are secret).</summary>
public sealed class GroupStore
{
    private const string Table = "groups";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly ProfileDatabase _database;

    internal GroupStore(ProfileDatabase database) => _database = database;

    public Task<StoredGroup?> GetAsync(string conversation)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversation);
        var bytes = _database.LoadSecret(Table, "conversation", conversation, "state");
        return Task.FromResult(bytes is null ? null : Read(bytes));
    }

    public Task SaveAsync(StoredGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        _database.StoreSecret(Table, "conversation", group.Conversation, "state", JsonSerializer.SerializeToUtf8Bytes(group, Json));
        return Task.CompletedTask;
    }

    public Task DeleteAsync(string conversation)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversation);
        _database.Delete(Table, "conversation", conversation);
        return Task.CompletedTask;
    }

    private static StoredGroup Read(byte[] bytes)
    {
        try
        {
            return JsonSerializer.Deserialize<StoredGroup>(bytes, Json) ?? throw new ProfileCorruptException("A group record is empty.");
        }
        catch (JsonException e)
        {
            throw new ProfileCorruptException("A group record is not readable.", e);
        }
    }
}
