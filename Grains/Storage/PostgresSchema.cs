namespace XChat.Grains.Storage;

/// <summary>PostgreSQL DDL and write statements of the message store.</summary>
internal static class PostgresSchema
{
    /// <summary>Serializes schema creation across silos starting at once (CREATE … IF NOT EXISTS can race).</summary>
    public const long SchemaLockKey = 0x5843_6861_7453_7430; // "XChatSt0"

    // sender_device_id is bigint, not int: device ids are uint and must fit whole.
    // The client-id key leads with client_message_id, which clients make time-ordered (UUIDv7), so
    // inserts append to the right edge of that index (see SqliteSchema). Tables created before
    // kept the conversation-first order; both serve the same lookups.
    public const string Create = """
        CREATE TABLE IF NOT EXISTS xchat_messages (
            conversation_id    text   NOT NULL,
            seq                bigint NOT NULL,
            sender_user_id     text   NOT NULL,
            sender_device_id   bigint NOT NULL,
            client_message_id  text   NOT NULL,
            server_ts_ms       bigint NOT NULL,
            shared_ciphertext  bytea  NULL,
            device_ciphertexts bytea  NULL,
            CONSTRAINT xchat_messages_pk PRIMARY KEY (conversation_id, seq),
            CONSTRAINT xchat_messages_client_id_uq UNIQUE (client_message_id, sender_user_id, sender_device_id, conversation_id)
        );
        CREATE TABLE IF NOT EXISTS xchat_cursors (
            device_key      text   NOT NULL,
            conversation_id text   NOT NULL,
            seq             bigint NOT NULL,
            CONSTRAINT xchat_cursors_pk PRIMARY KEY (device_key, conversation_id)
        );
        """ + ContentColumns + ExpiryColumn + SilentColumn + QuietColumn;

    // Added after the first release: databases created before get the column on start. A nullable
    // column without a default is a catalog change only, and the append statement does not name it.
    private const string ContentColumns = """
        ALTER TABLE xchat_messages ADD COLUMN IF NOT EXISTS deleted_ms bigint NULL;
        """;

    // Disappearing messages (Expiry/): the append writes expires_at; only rows that have one are indexed.
    private const string ExpiryColumn = """
        ALTER TABLE xchat_messages ADD COLUMN IF NOT EXISTS expires_at bigint NULL;
        CREATE INDEX IF NOT EXISTS xchat_messages_expiry_ix ON xchat_messages (expires_at) WHERE expires_at IS NOT NULL;
        """;

    // Silent messages (receipts): not unread, not activity. Old rows are chat messages, hence the
    // default; a constant default is a catalog change only (PostgreSQL 11+), no table rewrite.
    private const string SilentColumn = """
        ALTER TABLE xchat_messages ADD COLUMN IF NOT EXISTS silent boolean NOT NULL DEFAULT false;
        """;

    // Quiet messages (edits, reactions, delete notices): not unread, not activity; same reasoning.
    private const string QuietColumn = """
        ALTER TABLE xchat_messages ADD COLUMN IF NOT EXISTS quiet boolean NOT NULL DEFAULT false;
        """;

    // One statement for the whole batch: parallel arrays unnested into rows, one round trip.
    public const string InsertMessages = $"""
        INSERT INTO xchat_messages ({MessageStoreSql.MessageColumns})
        SELECT * FROM unnest(@conversation::text[], @seq::bigint[], @user::text[], @device::bigint[],
                             @client::text[], @ts::bigint[], @shared::bytea[], @devices::bytea[], @expires::bigint[],
                             @silent::boolean[], @quiet::boolean[])
        """;

    // The batch's cursors are merged per key first: one statement may not update a row twice.
    public const string UpsertCursors = """
        INSERT INTO xchat_cursors (device_key, conversation_id, seq)
        SELECT * FROM unnest(@device::text[], @conversation::text[], @seq::bigint[])
        ON CONFLICT (device_key, conversation_id) DO UPDATE SET seq = GREATEST(xchat_cursors.seq, excluded.seq)
        """;

    public const string FindByClientIds = """
        SELECT k.user_id, k.device_id, k.client_id, m.seq, m.server_ts_ms
        FROM unnest(@user::text[], @device::bigint[], @client::text[]) AS k(user_id, device_id, client_id)
        JOIN xchat_messages m
          ON m.conversation_id = @conversation AND m.sender_user_id = k.user_id
         AND m.sender_device_id = k.device_id AND m.client_message_id = k.client_id
        """;
}
