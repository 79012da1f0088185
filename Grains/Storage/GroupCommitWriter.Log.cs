using Microsoft.Extensions.Logging;

namespace XChat.Grains.Storage;

// Counts, durations and error codes only: never message content, ids of senders or keys.
internal sealed partial class GroupCommitWriter
{
    [LoggerMessage(EventId = 4100, Level = LogLevel.Debug,
        Message = "Committed {RequestCount} write requests ({RowCount} rows) in {ElapsedMs:F1} ms")]
    private static partial void LogBatchCommitted(ILogger logger, int requestCount, int rowCount, double elapsedMs);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning,
        Message = "A combined transaction of {RequestCount} write requests ({RowCount} rows) failed with {ExceptionType} (code {ErrorCode}); retrying each request alone")]
    private static partial void LogBatchFailed(ILogger logger, int requestCount, int rowCount, string exceptionType, string errorCode);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning,
        Message = "A write request of {MessageCount} messages and {CursorCount} cursors failed with {ExceptionType} (code {ErrorCode}); nothing of it was stored")]
    private static partial void LogRequestFailed(ILogger logger, int messageCount, int cursorCount, string exceptionType, string errorCode);
}
