namespace XChat.Client.Storage;

/// <summary>
/// The tables of a profile database. Columns named in <see cref="Secret"/> hold <see cref="ProfileCipher"/>
/// cells; the rest are lookup keys and ordering (addresses, handles, conversation ids, seq, times),
/// kept in clear so SQLite can index them.
/// </summary>
internal static class ProfileSchema
{
    /// <summary>
    /// PRAGMA user_version of the layout below. An older profile is brought up to it by <see cref="Migrations"/>
    /// (in one transaction, when it is opened); a newer one is refused.
    /// </summary>
    public const int Version = 4;

    /// <summary>
    /// WAL: a commit is one append to the log, and a crash leaves either the whole transaction or none of it.
    /// synchronous = FULL also syncs the log at each commit, so a committed write survives a power loss.
    /// </summary>
    public const string Pragmas = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA secure_delete = ON;";

    public const string Create = """
        CREATE TABLE profile_key (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            kdf TEXT NOT NULL,              -- 'argon2id' or 'keyfile'
            salt BLOB,
            memory_kib INTEGER,
            iterations INTEGER,
            parallelism INTEGER,
            wrapped_key BLOB NOT NULL);      -- nonce || AES-256-GCM(profile key)
        CREATE TABLE identity (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            key_pair BLOB NOT NULL);         -- secret
        CREATE TABLE prekeys (id INTEGER PRIMARY KEY, record BLOB NOT NULL);          -- secret
        CREATE TABLE signed_prekeys (id INTEGER PRIMARY KEY, record BLOB NOT NULL);   -- secret
        CREATE TABLE kyber_prekeys (id INTEGER PRIMARY KEY, record BLOB NOT NULL);    -- secret
        CREATE TABLE kyber_prekey_uses (
            kyber_id INTEGER NOT NULL,
            signed_id INTEGER NOT NULL,
            base_key BLOB NOT NULL,          -- the peer's public ephemeral key
            PRIMARY KEY (kyber_id, signed_id, base_key));
        CREATE TABLE sessions (address TEXT PRIMARY KEY, record BLOB NOT NULL);      -- secret
        CREATE TABLE peer_identities (
            address TEXT PRIMARY KEY,
            identity_key BLOB NOT NULL,      -- secret (who we talk to, and with which key)
            trust INTEGER NOT NULL);
        CREATE TABLE contacts (handle TEXT PRIMARY KEY, user_id TEXT NOT NULL UNIQUE);
        CREATE TABLE messages (
            conversation TEXT NOT NULL,
            seq INTEGER NOT NULL,
            sender TEXT NOT NULL,
            body BLOB NOT NULL,              -- secret: the message text
            sent_at INTEGER NOT NULL,        -- Unix milliseconds
            PRIMARY KEY (conversation, seq));
        CREATE TABLE cursors (conversation TEXT PRIMARY KEY, seq INTEGER NOT NULL);
        """ + GroupTables + ContentTables + ReceiptTables;

    /// <summary>Version 2: groups. Sender keys by name (distribution id / sender address) and each group's name, members and distribution state.</summary>
    private const string GroupTables = """
        CREATE TABLE sender_keys (name TEXT PRIMARY KEY, record BLOB NOT NULL);   -- secret
        CREATE TABLE groups (conversation TEXT PRIMARY KEY, state BLOB NOT NULL); -- secret: name, members, who holds our sender key
        """;

    /// <summary>The statements that take a profile from version <c>index + 1</c> to <c>index + 2</c>.</summary>
    public static readonly IReadOnlyList<string> Migrations = [GroupTables, ContentTables, ReceiptTables];

    /// <summary>Version 3: what edits, deletions, replies and reactions did to a message, keyed "{conversation}/{seq}".</summary>
    private const string ContentTables = """

        CREATE TABLE IF NOT EXISTS message_content (id TEXT PRIMARY KEY, state BLOB NOT NULL);   -- secret: reply target, edited, deleted, reactions
        """;

    /// <summary>
    /// Version 4: end-to-end encrypted delivery receipts. Per conversation, what each other device said it
    /// received and what was already reported (before, kept in clear in client.json; moved here on open).
    /// </summary>
    private const string ReceiptTables = """

        CREATE TABLE IF NOT EXISTS receipts (conversation TEXT PRIMARY KEY, state BLOB NOT NULL);   -- secret: delivered and reported seqs per device
        """;
}
