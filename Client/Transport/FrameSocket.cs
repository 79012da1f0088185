using System.Buffers;
using System.Net.WebSockets;
using Google.Protobuf;
using XChat.Protocol;

namespace XChat.Client.Transport;

/// <summary>One ClientWebSocket speaking whole protobuf frames: one ClientFrame or ServerFrame per binary message.</summary>
internal sealed class FrameSocket : IDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly int _maxReceiveBytes;
    // ClientWebSocket allows one send at a time; requests, pings and acks come from many tasks.
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    // Owned by the single receive loop.
    private byte[] _receiveBuffer = new byte[16 * 1024];

    private FrameSocket(ClientWebSocket socket, int maxReceiveBytes)
    {
        _socket = socket;
        _maxReceiveBytes = maxReceiveBytes;
    }

    /// <summary>The close code the server sent, once it sent one.</summary>
    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public static async Task<FrameSocket> ConnectAsync(Uri uri, XChatConnectionOptions options, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        try
        {
            // The application-level Ping keeps the server's idle timer alive; WebSocket pings do not count there.
            socket.Options.KeepAliveInterval = TimeSpan.Zero;
            options.ConfigureWebSocket?.Invoke(socket.Options);
            await socket.ConnectAsync(uri, cancellationToken).ConfigureAwait(false);
            return new FrameSocket(socket, options.MaxReceiveFrameBytes);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public async Task SendAsync(ClientFrame frame, CancellationToken cancellationToken)
    {
        // Serialized into a pooled buffer: a frame per request would otherwise be a new array each.
        var size = frame.CalculateSize();
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            frame.WriteTo(buffer.AsSpan(0, size));
            await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                // The token stops the wait for the lock, not the write: ManagedWebSocket aborts the whole
                // socket when a send's token fires, and takes a slower path (a registration per frame)
                // for any token that can fire. A write that hangs ends with Abort or Dispose.
                await _socket.SendAsync(buffer.AsMemory(0, size), WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
            }
            finally
            {
                _sendLock.Release();
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The next frame, or null when the server closed the connection (its close is answered).</summary>
    public async Task<ServerFrame?> ReceiveAsync(CancellationToken cancellationToken)
    {
        var count = 0;
        while (true)
        {
            if (count == _receiveBuffer.Length)
            {
                if (count >= _maxReceiveBytes)
                {
                    await CloseOutputAsync(WebSocketCloseStatus.MessageTooBig, cancellationToken).ConfigureAwait(false);
                    throw new InvalidDataException($"A server frame exceeded {_maxReceiveBytes} bytes.");
                }

                Array.Resize(ref _receiveBuffer, Math.Min(_maxReceiveBytes, _receiveBuffer.Length * 2));
            }

            var result = await _socket.ReceiveAsync(_receiveBuffer.AsMemory(count), cancellationToken).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                // Answer the server's close so it can release the connection without waiting for a timeout.
                await CloseOutputAsync(WebSocketCloseStatus.NormalClosure, cancellationToken).ConfigureAwait(false);
                return null;
            }

            if (result.MessageType == WebSocketMessageType.Text)
            {
                await CloseOutputAsync(WebSocketCloseStatus.InvalidMessageType, cancellationToken).ConfigureAwait(false);
                throw new InvalidDataException("The server sent a text frame; the protocol uses binary frames only.");
            }

            count += result.Count;
            if (result.EndOfMessage)
            {
                // Protobuf copies bytes fields out of the span, so the buffer can be reused for the next frame.
                return ServerFrame.Parser.ParseFrom(_receiveBuffer.AsSpan(0, count));
            }
        }
    }

    /// <summary>Starts the close handshake; the receive loop sees the server's answer and ends.</summary>
    public async Task CloseOutputAsync(WebSocketCloseStatus status, CancellationToken cancellationToken)
    {
        if (_socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return;
        }

        try
        {
            await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await _socket.CloseOutputAsync(status, null, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _sendLock.Release();
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Closing a socket that is already going away is not an error; Abort finishes the job.
        }
    }

    /// <summary>Drops the socket at once; a pending receive fails and the receive loop ends.</summary>
    public void Abort() => _socket.Abort();

    // The send lock is not disposed: a late sender may still hold it, and it owns no wait handle.
    public void Dispose() => _socket.Dispose();
}
