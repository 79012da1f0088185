namespace XChat.Grains.Storage.Expiry;

/// <summary>
/// SQL of the expiry sweep, the same on SQLite and PostgreSQL. The inner SELECT is served by the partial
/// index on expires_at (only rows that have one), so the sweep never scans the log and the append path,
/// whose rows mostly have no expiry, does not maintain a full index.
/// </summary>
internal static class ExpirySql
{
    public const string IndexName = "xchat_messages_expiry_ix";

    public const string CreateIndex =
        $"CREATE INDEX IF NOT EXISTS {IndexName} ON xchat_messages (expires_at) WHERE expires_at IS NOT NULL";

    public const string EraseExpired = """
        UPDATE xchat_messages SET shared_ciphertext = NULL, device_ciphertexts = NULL, expires_at = NULL
        WHERE (conversation_id, seq) IN (
            SELECT conversation_id, seq FROM xchat_messages WHERE expires_at <= @now ORDER BY expires_at LIMIT @limit)
        """;
}
