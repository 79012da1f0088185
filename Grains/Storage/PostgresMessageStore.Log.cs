using Microsoft.Extensions.Logging;

namespace XChat.Grains.Storage;

// Database names and counts only: never message content, connection strings or keys.
public sealed partial class PostgresMessageStore
{
    [LoggerMessage(EventId = 4120, Level = LogLevel.Information, Message = "PostgreSQL message store ready in database {Database}")]
    private static partial void LogInitialized(ILogger logger, string database);
}
