using System.Text.Json;

namespace XChat.Client.Storage;

/// <summary>
/// What content messages did to a stored message: the message it replies to, whether it was edited or
/// deleted for everyone, and the reactions on it (one emoji per user). One encrypted cell per message.
/// </summary>
public sealed class MessageContentStore
{
    private const string Table = "message_content";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly ProfileDatabase _database;

    internal MessageContentStore(ProfileDatabase database) => _database = database;

    /// <summary>The state of the message at (<paramref name="conversation"/>, <paramref name="seq"/>); an empty state when nothing happened to it.</summary>
    public Task<MessageContentState> GetAsync(string conversation, long seq)
    {
        var bytes = _database.LoadSecret(Table, "id", Key(conversation, seq), "state");
        if (bytes is null)
        {
            return Task.FromResult(new MessageContentState());
        }

        try
        {
            return Task.FromResult(JsonSerializer.Deserialize<MessageContentState>(bytes, Json) ?? new MessageContentState());
        }
        catch (JsonException e)
        {
            throw new ProfileCorruptException("A message content record is not readable.", e);
        }
    }

    public Task SaveAsync(string conversation, long seq, MessageContentState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        _database.StoreSecret(Table, "id", Key(conversation, seq), "state", JsonSerializer.SerializeToUtf8Bytes(state, Json));
        return Task.CompletedTask;
    }

    private static string Key(string conversation, long seq) => $"{conversation}/{seq}";
}

/// <summary>What happened to one message: <see cref="Reactions"/> maps a user id to that user's emoji.</summary>
public sealed record MessageContentState
{
    public long? ReplyTo { get; init; }

    public bool Edited { get; init; }

    public bool Deleted { get; init; }

    public Dictionary<string, string> Reactions { get; init; } = new(StringComparer.Ordinal);
}
