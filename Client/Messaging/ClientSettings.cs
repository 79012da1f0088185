using System.Text.Json;
using System.Text.Json.Serialization;

namespace XChat.Client.Messaging;

/// <summary>
/// The non-secret facts a profile needs besides its database: the server, this device's address, the
/// next prekey ids and the direct conversation of each peer. Kept in <see cref="FileName"/> next to
/// profile.db, written to a temporary file and renamed over the old one (crash-safe).
/// </summary>
internal sealed class ClientSettings
{
    public const string FileName = "client.json";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public string Server { get; set; } = "";

    public string Handle { get; set; } = "";

    public string? UserId { get; set; }

    public uint DeviceId { get; set; }

    public uint SignedPreKeyId { get; set; }

    public uint NextPreKeyId { get; set; } = 1;

    public uint NextKyberPreKeyId { get; set; } = 1;

    /// <summary>
    /// Conversation id → the last seq the sync handled. Kept apart from the history's cursor, which storing
    /// an own sent message moves past messages not fetched yet.
    /// </summary>
    public Dictionary<string, ulong> SyncCursors { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Peer user id → direct conversation id.</summary>
    public Dictionary<string, string> DirectConversations { get; set; } = new(StringComparer.Ordinal);

    /// <summary>User ids this user blocked from this device; their group messages are dropped here (the server refuses direct ones).</summary>
    public HashSet<string> BlockedUsers { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Conversation id → "{userId}/{deviceId}" → [delivered, read] as a sync reported them, from profiles made before
    /// receipts moved into the encrypted profile (<see cref="Storage.ReceiptStore"/>). Read once, moved there, then
    /// dropped from this file; null afterwards.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, Dictionary<string, long[]>>? ReceiptCursors { get; set; }

    [JsonIgnore]
    public Uri ServerUri => new(Server);

    public static ClientSettings? Load(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        return JsonSerializer.Deserialize<ClientSettings>(File.ReadAllText(path), Json)
            ?? throw new XChatClientException($"{path} is empty.");
    }

    public void Save(string directory)
    {
        var path = Path.Combine(directory, FileName);
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(stream, this, Json);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
