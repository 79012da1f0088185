using System.Net.WebSockets;

namespace XChat.Client.Transport;

/// <summary>The WebSocket dropped (or was not connected) before the request got its answer; the request may or may not have taken effect.</summary>
public sealed class ConnectionLostException : Exception
{
    public ConnectionLostException(string message, WebSocketCloseStatus? closeStatus = null, Exception? innerException = null)
        : base(message, innerException)
    {
        CloseStatus = closeStatus;
    }

    /// <summary>The close code the server sent, if it sent one (e.g. 1001, 4001).</summary>
    public WebSocketCloseStatus? CloseStatus { get; }
}
