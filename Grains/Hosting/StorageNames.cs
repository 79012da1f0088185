namespace XChat.Grains;

/// <summary>Names of the Orleans storage providers the grains use.</summary>
public static class StorageNames
{
    /// <summary>Grain state (users, handles, conversation membership): AdoNet on SQLite or PostgreSQL.</summary>
    public const string GrainState = "xchat";
}
