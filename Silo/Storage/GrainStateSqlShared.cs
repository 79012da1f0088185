namespace XChat.Silo.Storage;

/// <summary>The SQL both grain-state dialects (PostgreSQL, SQLite) write the same way.</summary>
internal static class GrainStateSqlShared
{
    /// <summary>Inserts or replaces one query row; parameters <c>@key</c> and <c>@text</c>.</summary>
    public const string UpsertQuery = """
        INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES (@key, @text)
        ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText
        """;

    /// <summary>The row of one grain's state: the provider's key parameters against our natural key.</summary>
    public const string KeyMatch = """
        service_id = @ServiceId
          AND grain_type = @GrainTypeString
          AND grain_id_n0 = @GrainIdN0
          AND grain_id_n1 = @GrainIdN1
          AND grain_id_ext = COALESCE(@GrainIdExtensionString, '')
        """;
}
