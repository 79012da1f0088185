using Microsoft.Extensions.Logging;
using XChat.Protocol;

namespace XChat.Gateway.Connections;

public sealed partial class GatewayConnection
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Closing a connection whose send queue overflowed ({Frames} frames)")]
    private static partial void LogSendQueueOverflow(ILogger logger, int frames);

    [LoggerMessage(Level = LogLevel.Error, Message = "Request failed with an unexpected exception; answered {Code}")]
    private static partial void LogRequestFailed(ILogger logger, Exception exception, ErrorCode code);
}
