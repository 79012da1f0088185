namespace XChat.Client.Transport;

/// <summary>Where an <see cref="XChatConnection"/> is in its life.</summary>
public enum ConnectionState
{
    /// <summary>A WebSocket is open and has completed the handshake (and login, when the identity is registered).</summary>
    Connected,

    /// <summary>The WebSocket dropped; the connection is waiting out its backoff or reconnecting.</summary>
    Reconnecting,

    /// <summary>Disposed, or stopped for good (unsupported version, authentication refused).</summary>
    Closed,
}
