namespace XChat.Silo.Storage;

/// <summary>PostgreSQL schema and query texts for grain state (written for this project from the provider contract).</summary>
internal static class PostgresGrainStateSql
{
    /// <summary>
    /// Idempotent DDL. <c>OrleansQuery</c> is unquoted because the provider selects it unquoted (so it folds to
    /// lower case). The natural key is the primary key; a null key extension is stored as '' because Orleans never
    /// creates an empty extension (GrainIdKeyExtensions drops blank ones), so the mapping is one to one.
    /// </summary>
    public const string Schema = """
        CREATE TABLE IF NOT EXISTS OrleansQuery
        (
            QueryKey  varchar(64) NOT NULL PRIMARY KEY,
            QueryText text        NOT NULL
        );

        CREATE TABLE IF NOT EXISTS xchat_grain_state
        (
            service_id   text        NOT NULL,
            grain_type   text        NOT NULL,
            grain_id_n0  bigint      NOT NULL,
            grain_id_n1  bigint      NOT NULL,
            grain_id_ext text        NOT NULL,
            version      integer     NOT NULL,
            payload      bytea       NULL,
            modified_at  timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT pk_xchat_grain_state PRIMARY KEY (service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_ext)
        );
        """;

    public const string UpsertQuery = GrainStateSqlShared.UpsertQuery;

    private const string KeyMatch = GrainStateSqlShared.KeyMatch;

    private const string Read = $"""
        SELECT payload AS "PayloadBinary", version AS "Version"
        FROM xchat_grain_state
        WHERE {KeyMatch}
        """;

    // One statement, so it is atomic. With an ETag only the UPDATE can match (and only if the stored version
    // still equals it: a concurrent writer holding the row lock makes this one re-check and miss). Without an
    // ETag only the INSERT runs, and ON CONFLICT DO NOTHING turns a second first-write into "no row": the
    // provider reads no row as a version conflict.
    private const string Write = $"""
        WITH updated AS (
            UPDATE xchat_grain_state
            SET payload = @PayloadBinary, version = version + 1, modified_at = now()
            WHERE {KeyMatch}
              AND version = @GrainStateVersion
            RETURNING version
        ), inserted AS (
            INSERT INTO xchat_grain_state (service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_ext, version, payload)
            SELECT @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, COALESCE(@GrainIdExtensionString, ''), 1, @PayloadBinary
            WHERE @GrainStateVersion IS NULL
            ON CONFLICT DO NOTHING
            RETURNING version
        )
        SELECT version AS "NewGrainStateVersion" FROM updated
        UNION ALL
        SELECT version FROM inserted
        """;

    // Clearing keeps the row and bumps the version, so a stale activation cannot resurrect old state
    // (the ABA problem a delete would allow).
    private const string Clear = $"""
        UPDATE xchat_grain_state
        SET payload = NULL, version = version + 1, modified_at = now()
        WHERE {KeyMatch}
          AND version = @GrainStateVersion
        RETURNING version AS "NewGrainStateVersion"
        """;

    // The provider only needs a value different from the old ETag here (it then sets the ETag to null).
    private const string Delete = $"""
        DELETE FROM xchat_grain_state
        WHERE {KeyMatch}
          AND version = @GrainStateVersion
        RETURNING version + 1 AS "NewGrainStateVersion"
        """;

    /// <summary>The four query texts.</summary>
    public static GrainStateQueries Queries { get; } = new(Read, Write, Clear, Delete);
}
