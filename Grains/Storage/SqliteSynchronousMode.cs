namespace XChat.Grains.Storage;

/// <summary>The SQLite writer's durability level (<c>PRAGMA synchronous</c>) in WAL mode.</summary>
public enum SqliteSynchronousMode
{
    /// <summary>
    /// Every commit is fsynced: an acknowledged message survives a process crash and a power loss.
    /// </summary>
    Full = 0,

    /// <summary>
    /// The WAL is fsynced only at checkpoints: an acknowledged message survives a process crash but
    /// the last commits may be lost on power loss or an OS crash (the file stays consistent). This
    /// weakens the durable-ack promise; use it only where that is acceptable.
    /// </summary>
    Normal = 1,
}
