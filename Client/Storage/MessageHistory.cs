using System.Text;

namespace XChat.Client.Storage;

/// <summary>
/// The profile's message history and per-conversation cursors (the last seq fetched). The text is an
/// encrypted cell bound to (conversation, seq); conversation, seq, sender and time stay in clear to
/// order and page the history.
/// </summary>
public sealed class MessageHistory
{
    private const string Table = "messages";
    private readonly ProfileDatabase _database;

    internal MessageHistory(ProfileDatabase database) => _database = database;

    /// <summary>
    /// Stores the message and moves the conversation's cursor up to its seq, in one transaction, so a
    /// crash never leaves a cursor past a message that was not stored. False when that seq was already stored.
    /// </summary>
    public Task<bool> AddAsync(StoredMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var added = _database.InTransaction(() =>
        {
            var body = _database.Cipher.Seal(Table, "body", RowName(message.Conversation, message.Seq), Encoding.UTF8.GetBytes(message.Text));
            var inserted = _database.Execute(
                "INSERT OR IGNORE INTO messages (conversation, seq, sender, body, sent_at) VALUES ($c, $s, $f, $b, $t)",
                ("$c", message.Conversation), ("$s", message.Seq), ("$f", message.Sender), ("$b", body), ("$t", message.SentAt.ToUnixTimeMilliseconds()));
            AdvanceCursor(message.Conversation, message.Seq);
            return inserted == 1;
        });
        return Task.FromResult(added);
    }

    /// <summary>The messages of <paramref name="conversation"/> after <paramref name="afterSeq"/>, in seq order, at most <paramref name="limit"/>.</summary>
    public Task<IReadOnlyList<StoredMessage>> GetAsync(string conversation, long afterSeq = 0, int limit = 1000)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        IReadOnlyList<StoredMessage> messages = _database.Query(
            "SELECT seq, sender, body, sent_at FROM messages WHERE conversation = $c AND seq > $after ORDER BY seq LIMIT $limit",
            r =>
            {
                var seq = r.GetInt64(0);
                var text = _database.Cipher.Open(Table, "body", RowName(conversation, seq), ProfileDatabase.ReadCell(r, 2, Table));
                return new StoredMessage(conversation, seq, r.GetString(1), Encoding.UTF8.GetString(text), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(3)));
            },
            ("$c", conversation), ("$after", afterSeq), ("$limit", limit));
        return Task.FromResult(messages);
    }

    /// <summary>The message at <paramref name="seq"/>, or null when none is stored.</summary>
    public async Task<StoredMessage?> GetOneAsync(string conversation, long seq) =>
        (await GetAsync(conversation, seq - 1, 1).ConfigureAwait(false)) is [{ } m] && m.Seq == seq ? m : null;

    /// <summary>Replaces the text of a stored message (an edit, or an empty text for a deletion); false when there is none.</summary>
    public Task<bool> ReplaceTextAsync(string conversation, long seq, string text)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        ArgumentNullException.ThrowIfNull(text);
        var body = _database.Cipher.Seal(Table, "body", RowName(conversation, seq), Encoding.UTF8.GetBytes(text));
        var updated = _database.Execute("UPDATE messages SET body = $b WHERE conversation = $c AND seq = $s", ("$b", body), ("$c", conversation), ("$s", seq));
        return Task.FromResult(updated == 1);
    }

    /// <summary>The highest seq of a message <paramref name="sender"/> sent in <paramref name="conversation"/>; 0 when none.</summary>
    public Task<long> GetLastSentAsync(string conversation, string sender)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        var seq = _database.Query("SELECT MAX(seq) FROM messages WHERE conversation = $c AND sender = $f", r => r.IsDBNull(0) ? 0L : r.GetInt64(0), ("$c", conversation), ("$f", sender));
        return Task.FromResult(seq.Count == 0 ? 0L : seq[0]);
    }

    /// <summary>The last seq fetched in <paramref name="conversation"/>; 0 when nothing was.</summary>
    public Task<long> GetCursorAsync(string conversation)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        var seq = _database.Query("SELECT seq FROM cursors WHERE conversation = $c", r => r.GetInt64(0), ("$c", conversation));
        return Task.FromResult(seq.Count == 0 ? 0L : seq[0]);
    }

    /// <summary>Moves the cursor up to <paramref name="seq"/> (never down), e.g. past a message that could not be decrypted.</summary>
    public Task AdvanceCursorAsync(string conversation, long seq)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        AdvanceCursor(conversation, seq);
        return Task.CompletedTask;
    }

    private void AdvanceCursor(string conversation, long seq) => _database.Execute(
        "INSERT INTO cursors (conversation, seq) VALUES ($c, $s) ON CONFLICT (conversation) DO UPDATE SET seq = max(seq, excluded.seq)",
        ("$c", conversation), ("$s", seq));

    private static string RowName(string conversation, long seq) => $"{conversation}\n{ProfileDatabase.RowName(seq)}";
}
