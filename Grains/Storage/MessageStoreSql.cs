namespace XChat.Grains.Storage;

/// <summary>
/// SQL text that is the same on SQLite and PostgreSQL. Both accept "@name" parameters, and every
/// query here is served by a primary key (conversation_id, seq) or (device_key, conversation_id).
/// </summary>
internal static class MessageStoreSql
{
    /// <summary>The column order <see cref="MessageRows.Read"/> expects.</summary>
    public const string MessageColumns =
        "conversation_id, seq, sender_user_id, sender_device_id, client_message_id, server_ts_ms, shared_ciphertext, device_ciphertexts, expires_at, silent, quiet";

    /// <summary>What reads select: the written columns plus the tombstone time, which appends never set.</summary>
    public const string ReadColumns = MessageColumns + ", deleted_ms";

    public const string ReadAfter =
        $"SELECT {ReadColumns} FROM xchat_messages WHERE conversation_id = @conversation AND seq > @seq ORDER BY seq ASC LIMIT @limit";

    public const string ReadBefore =
        $"SELECT {ReadColumns} FROM xchat_messages WHERE conversation_id = @conversation AND seq < @seq ORDER BY seq DESC LIMIT @limit";

    public const string ClientKeys =
        "SELECT sender_user_id, sender_device_id, client_message_id FROM xchat_messages WHERE conversation_id = @conversation ORDER BY seq ASC LIMIT @limit";

    // ORDER BY … LIMIT 1 rather than MAX(seq): both planners turn it into one index probe.
    public const string LastSeq =
        "SELECT seq FROM xchat_messages WHERE conversation_id = @conversation ORDER BY seq DESC LIMIT 1";

    // Walks the primary key backwards from the end of the log and stops at the first row that is
    // neither silent nor quiet (or at afterSeq): receipts, edits, reactions and delete notices between
    // two looks are the only rows it skips.
    public const string LastActivity =
        "SELECT server_ts_ms FROM xchat_messages WHERE conversation_id = @conversation AND seq > @seq AND NOT silent AND NOT quiet ORDER BY seq DESC LIMIT 1";

    public const string LoadCursors =
        "SELECT conversation_id, seq FROM xchat_cursors WHERE device_key = @device";
}
