using System.Text.Json;

namespace XChat.Client.Storage;

/// <summary>
/// What this device knows about the receipts of a conversation's other devices: the delivery each
/// device reported in an encrypted receipt, and how far delivery and reading were already reported
/// to the app (so each receipt is reported once). One encrypted cell per conversation: who received
/// and read what is as private as the messages.
/// </summary>
public sealed class ReceiptStore
{
    private const string Table = "receipts";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly ProfileDatabase _database;

    internal ReceiptStore(ProfileDatabase database) => _database = database;

    /// <summary>The conversation's receipts by device ("{userId}/{deviceId}"); empty when none is known.</summary>
    public Dictionary<string, DeviceReceiptRecord> Get(string conversation)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversation);
        var bytes = _database.LoadSecret(Table, "conversation", conversation, "state");
        if (bytes is null)
        {
            return new Dictionary<string, DeviceReceiptRecord>(StringComparer.Ordinal);
        }

        try
        {
            var stored = JsonSerializer.Deserialize<Dictionary<string, DeviceReceiptRecord>>(bytes, Json);
            return new Dictionary<string, DeviceReceiptRecord>(stored ?? [], StringComparer.Ordinal);
        }
        catch (JsonException e)
        {
            throw new ProfileCorruptException("A receipt record is not readable.", e);
        }
    }

    public void Save(string conversation, IReadOnlyDictionary<string, DeviceReceiptRecord> receipts)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversation);
        ArgumentNullException.ThrowIfNull(receipts);
        _database.StoreSecret(Table, "conversation", conversation, "state", JsonSerializer.SerializeToUtf8Bytes(receipts, Json));
    }

    /// <summary>Raises the delivery <paramref name="device"/> reported in <paramref name="conversation"/> to <paramref name="delivered"/> (never lowers it).</summary>
    public void RecordDelivered(string conversation, string device, long delivered)
    {
        var receipts = Get(conversation);
        var record = receipts.GetValueOrDefault(device) ?? new DeviceReceiptRecord();
        if (delivered <= record.Delivered)
        {
            return;
        }

        receipts[device] = record with { Delivered = delivered };
        Save(conversation, receipts);
    }

    /// <summary>The key of one device in a conversation's receipts.</summary>
    public static string DeviceKey(string userId, uint deviceId) => $"{userId}/{deviceId}";

    /// <summary>Splits a <see cref="DeviceKey"/> (user ids hold no '/'); false for anything else.</summary>
    public static bool TryParseDeviceKey(string key, out string userId, out uint deviceId)
    {
        var slash = key.LastIndexOf('/');
        userId = slash > 0 ? key[..slash] : "";
        deviceId = 0;
        return slash > 0 && uint.TryParse(key.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out deviceId);
    }
}

/// <summary>
/// One other device in one conversation: <see cref="Delivered"/> is the highest seq its encrypted receipts said it
/// has; <see cref="ReportedDelivered"/> and <see cref="ReportedRead"/> how far this device already reported
/// delivery and reading (the read cursor comes from the server) to the app.
/// </summary>
public sealed record DeviceReceiptRecord
{
    public long Delivered { get; init; }

    public long ReportedDelivered { get; init; }

    public long ReportedRead { get; init; }
}
