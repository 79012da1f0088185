using System.Text.Json;
using XChat.Client.Messaging;

namespace XChat.Client.Storage;

/// <summary>
/// What the live features keep in the profile, in tables of their own (created if missing when the profile
/// opens them, so they need no layout version): when each disappearing message expires, the attachment
/// pointer of each attachment message (a secret cell: it holds the file key), and each conversation's timer.
/// </summary>
public sealed class LiveStore
{
    private const string AttachmentsTable = "message_attachments";

    private const string Create = """
        CREATE TABLE IF NOT EXISTS message_expiry (
            conversation TEXT NOT NULL,
            seq INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,       -- Unix milliseconds, server time
            PRIMARY KEY (conversation, seq));
        CREATE INDEX IF NOT EXISTS message_expiry_at ON message_expiry (expires_at);
        CREATE TABLE IF NOT EXISTS message_attachments (
            conversation TEXT NOT NULL,
            seq INTEGER NOT NULL,
            attachment_id TEXT NOT NULL,
            pointer BLOB NOT NULL,             -- secret: the AttachmentPointer (key, digest, name)
            PRIMARY KEY (conversation, seq));
        CREATE TABLE IF NOT EXISTS disappear_timers (conversation TEXT PRIMARY KEY, seconds INTEGER NOT NULL);
        """;

    private readonly ProfileDatabase _database;

    internal LiveStore(ProfileDatabase database)
    {
        _database = database;
        _database.Execute(Create);
    }

    public void SetExpiry(string conversation, long seq, long expiresAtMs) => _database.Execute(
        "INSERT INTO message_expiry (conversation, seq, expires_at) VALUES ($c, $s, $e) ON CONFLICT (conversation, seq) DO UPDATE SET expires_at = min(expires_at, excluded.expires_at)",
        ("$c", conversation), ("$s", seq), ("$e", expiresAtMs));

    public long? GetExpiry(string conversation, long seq) =>
        _database.Query("SELECT expires_at FROM message_expiry WHERE conversation = $c AND seq = $s", r => (long?)r.GetInt64(0), ("$c", conversation), ("$s", seq)).SingleOrDefault();

    /// <summary>Deletes every stored message (text, attachment pointer) that expired at or before <paramref name="nowMs"/>; returns how many.</summary>
    public int DeleteExpired(long nowMs) => _database.InTransaction(() =>
    {
        const string Expired = "SELECT conversation, seq FROM message_expiry WHERE expires_at <= $now";
        _database.Execute($"DELETE FROM messages WHERE (conversation, seq) IN ({Expired})", ("$now", nowMs));
        _database.Execute($"DELETE FROM message_attachments WHERE (conversation, seq) IN ({Expired})", ("$now", nowMs));
        return _database.Execute("DELETE FROM message_expiry WHERE expires_at <= $now", ("$now", nowMs));
    });

    /// <summary>Deletes one message now (the server reported it erased).</summary>
    public void Delete(string conversation, long seq) => _database.InTransaction(() =>
    {
        _database.Execute("DELETE FROM messages WHERE conversation = $c AND seq = $s", ("$c", conversation), ("$s", seq));
        _database.Execute("DELETE FROM message_attachments WHERE conversation = $c AND seq = $s", ("$c", conversation), ("$s", seq));
        _database.Execute("DELETE FROM message_expiry WHERE conversation = $c AND seq = $s", ("$c", conversation), ("$s", seq));
    });

    public void SetAttachment(string conversation, long seq, AttachmentPointer pointer)
    {
        var cell = _database.Cipher.Seal(AttachmentsTable, "pointer", RowName(conversation, seq), JsonSerializer.SerializeToUtf8Bytes(pointer));
        _database.Execute(
            "INSERT OR REPLACE INTO message_attachments (conversation, seq, attachment_id, pointer) VALUES ($c, $s, $id, $p)",
            ("$c", conversation), ("$s", seq), ("$id", pointer.Id), ("$p", cell));
    }

    public AttachmentPointer? GetAttachment(string conversation, long seq) => _database.Query(
        "SELECT pointer FROM message_attachments WHERE conversation = $c AND seq = $s",
        r => Open(conversation, seq, ProfileDatabase.ReadCell(r, 0, AttachmentsTable)), ("$c", conversation), ("$s", seq)).SingleOrDefault();

    /// <summary>The pointer of attachment <paramref name="attachmentId"/> and the message that carried it.</summary>
    public (string Conversation, long Seq, AttachmentPointer Pointer)? FindAttachment(string attachmentId) => _database.Query(
        "SELECT conversation, seq, pointer FROM message_attachments WHERE attachment_id = $id",
        r => ((string, long, AttachmentPointer)?)(r.GetString(0), r.GetInt64(1), Open(r.GetString(0), r.GetInt64(1), ProfileDatabase.ReadCell(r, 2, AttachmentsTable))),
        ("$id", attachmentId)).FirstOrDefault();

    public void SetTimer(string conversation, TimeSpan duration) => _database.Execute(
        "INSERT INTO disappear_timers (conversation, seconds) VALUES ($c, $s) ON CONFLICT (conversation) DO UPDATE SET seconds = excluded.seconds",
        ("$c", conversation), ("$s", (long)duration.TotalSeconds));

    public TimeSpan GetTimer(string conversation) => TimeSpan.FromSeconds(
        _database.Query("SELECT seconds FROM disappear_timers WHERE conversation = $c", r => r.GetInt64(0), ("$c", conversation)).SingleOrDefault());

    private AttachmentPointer Open(string conversation, long seq, byte[] cell) =>
        JsonSerializer.Deserialize<AttachmentPointer>(_database.Cipher.Open(AttachmentsTable, "pointer", RowName(conversation, seq), cell))
        ?? throw new ProfileCorruptException("An attachment pointer is empty.");

    private static string RowName(string conversation, long seq) => $"{conversation}\n{ProfileDatabase.RowName(seq)}";
}
