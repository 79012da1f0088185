using System.Net.WebSockets;

namespace XChat.Gateway.Connections;

/// <summary>WebSocket close codes the gateway uses (Protocol/PROTOCOL.md, "Close codes").</summary>
public static class CloseCodes
{
    public const WebSocketCloseStatus Normal = WebSocketCloseStatus.NormalClosure;
    public const WebSocketCloseStatus GoingAway = WebSocketCloseStatus.EndpointUnavailable;
    public const WebSocketCloseStatus ProtocolError = WebSocketCloseStatus.ProtocolError;
    public const WebSocketCloseStatus UnsupportedData = WebSocketCloseStatus.InvalidMessageType;
    public const WebSocketCloseStatus PolicyViolation = WebSocketCloseStatus.PolicyViolation;
    public const WebSocketCloseStatus TooBig = WebSocketCloseStatus.MessageTooBig;
    public const WebSocketCloseStatus InternalError = WebSocketCloseStatus.InternalServerError;
    public const WebSocketCloseStatus LoginTimeout = (WebSocketCloseStatus)4000;
    public const WebSocketCloseStatus IdleTimeout = (WebSocketCloseStatus)4001;
    public const WebSocketCloseStatus SendQueueOverflow = (WebSocketCloseStatus)4002;
    public const WebSocketCloseStatus TooManyConnections = (WebSocketCloseStatus)4003;
    public const WebSocketCloseStatus UnsupportedVersion = (WebSocketCloseStatus)4004;
    public const WebSocketCloseStatus AuthenticationFailed = (WebSocketCloseStatus)4005;
}
