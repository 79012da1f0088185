namespace XChat.Silo.Storage;

/// <summary>SQLite schema and query texts for grain state (written for this project from the provider contract).</summary>
internal static class SqliteGrainStateSql
{
    /// <summary>Idempotent DDL; same shape as the PostgreSQL schema (see <see cref="PostgresGrainStateSql.Schema"/>).</summary>
    public const string Schema = """
        CREATE TABLE IF NOT EXISTS OrleansQuery
        (
            QueryKey  TEXT NOT NULL PRIMARY KEY,
            QueryText TEXT NOT NULL
        );

        CREATE TABLE IF NOT EXISTS xchat_grain_state
        (
            service_id   TEXT    NOT NULL,
            grain_type   TEXT    NOT NULL,
            grain_id_n0  INTEGER NOT NULL,
            grain_id_n1  INTEGER NOT NULL,
            grain_id_ext TEXT    NOT NULL,
            version      INTEGER NOT NULL,
            payload      BLOB    NULL,
            modified_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
            PRIMARY KEY (service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_ext)
        ) WITHOUT ROWID;
        """;

    public const string UpsertQuery = GrainStateSqlShared.UpsertQuery;

    private const string KeyMatch = GrainStateSqlShared.KeyMatch;

    private const string Read = $"""
        SELECT payload AS PayloadBinary, version AS Version
        FROM xchat_grain_state
        WHERE {KeyMatch};
        """;

    // SQLite has no data-modifying CTEs, so the write is two statements in one command. They exclude each
    // other on @GrainStateVersion (at most one of them can change anything), and each is atomic on its own
    // under SQLite's single writer, so the pair needs no explicit transaction. Each statement yields a result
    // set; the provider gathers rows over all of them and expects at most one.
    private const string Write = $"""
        UPDATE xchat_grain_state
        SET payload = @PayloadBinary, version = version + 1,
            modified_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
        WHERE {KeyMatch}
          AND version = @GrainStateVersion
        RETURNING version AS NewGrainStateVersion;

        INSERT INTO xchat_grain_state (service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_ext, version, payload)
        SELECT @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, COALESCE(@GrainIdExtensionString, ''), 1, @PayloadBinary
        WHERE @GrainStateVersion IS NULL
        ON CONFLICT DO NOTHING
        RETURNING version AS NewGrainStateVersion;
        """;

    // See PostgresGrainStateSql: clearing keeps the row and bumps the version.
    private const string Clear = $"""
        UPDATE xchat_grain_state
        SET payload = NULL, version = version + 1,
            modified_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
        WHERE {KeyMatch}
          AND version = @GrainStateVersion
        RETURNING version AS NewGrainStateVersion;
        """;

    private const string Delete = $"""
        DELETE FROM xchat_grain_state
        WHERE {KeyMatch}
          AND version = @GrainStateVersion
        RETURNING version + 1 AS NewGrainStateVersion;
        """;

    /// <summary>The four query texts.</summary>
    public static GrainStateQueries Queries { get; } = new(Read, Write, Clear, Delete);
}
