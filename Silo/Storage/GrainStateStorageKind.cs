namespace XChat.Silo.Storage;

/// <summary>The database that holds grain state through the Orleans ADO.NET grain storage provider.</summary>
public enum GrainStateStorageKind
{
    /// <summary>A SQLite file (standalone mode). ADO.NET invariant "System.Data.SQLite", served by Microsoft.Data.Sqlite.</summary>
    Sqlite,

    /// <summary>A PostgreSQL database (cluster mode). ADO.NET invariant "Npgsql".</summary>
    PostgreSql,
}
