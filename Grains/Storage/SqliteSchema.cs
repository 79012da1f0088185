namespace XChat.Grains.Storage;

/// <summary>SQLite DDL and write statements of the message store.</summary>
internal static class SqliteSchema
{
    // sender_device_id is INTEGER (64-bit in SQLite) so any uint device id fits.
    // Ciphertext columns hold opaque bytes; device_ciphertexts uses DeviceCiphertextCodec.
    // Messages keep a rowid table (rows carry kilobytes of ciphertext, which WITHOUT ROWID stores
    // badly); the small cursor rows live directly in their primary key b-tree.
    // The client-id key leads with client_message_id: clients make those ids time-ordered (UUIDv7),
    // so a batch's entries land together at the end of that index instead of one random page per
    // row (each dirty page is a 4 KiB WAL frame; this halved the index's share of a commit). Any id
    // is still correct, only slower. Databases created before kept the conversation-first order.
    public const string Create = """
        CREATE TABLE IF NOT EXISTS xchat_messages (
            conversation_id    TEXT    NOT NULL,
            seq                INTEGER NOT NULL,
            sender_user_id     TEXT    NOT NULL,
            sender_device_id   INTEGER NOT NULL,
            client_message_id  TEXT    NOT NULL,
            server_ts_ms       INTEGER NOT NULL,
            shared_ciphertext  BLOB    NULL,
            device_ciphertexts BLOB    NULL,
            PRIMARY KEY (conversation_id, seq),
            UNIQUE (client_message_id, sender_user_id, sender_device_id, conversation_id)
        );
        CREATE TABLE IF NOT EXISTS xchat_cursors (
            device_key      TEXT    NOT NULL,
            conversation_id TEXT    NOT NULL,
            seq             INTEGER NOT NULL,
            PRIMARY KEY (device_key, conversation_id)
        ) WITHOUT ROWID;
        """;

    public const string InsertMessage = $"""
        INSERT INTO xchat_messages ({MessageStoreSql.MessageColumns})
        VALUES (@conversation, @seq, @user, @device, @client, @ts, @shared, @devices, @expires, @silent, @quiet)
        """;

    public const string UpsertCursor = """
        INSERT INTO xchat_cursors (device_key, conversation_id, seq) VALUES (@device, @conversation, @seq)
        ON CONFLICT (device_key, conversation_id) DO UPDATE SET seq = MAX(xchat_cursors.seq, excluded.seq)
        """;

    public const string FindByClientId = """
        SELECT seq, server_ts_ms FROM xchat_messages
        WHERE conversation_id = @conversation AND sender_user_id = @user AND sender_device_id = @device AND client_message_id = @client
        """;
}
