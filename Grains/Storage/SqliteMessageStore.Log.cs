using Microsoft.Extensions.Logging;

namespace XChat.Grains.Storage;

// File names and counts only: never message content or keys.
public sealed partial class SqliteMessageStore
{
    [LoggerMessage(EventId = 4110, Level = LogLevel.Information, Message = "SQLite message store ready in {FileName} (WAL)")]
    private static partial void LogInitialized(ILogger logger, string fileName);
}
