using System.Buffers;
using System.Net.WebSockets;

namespace XChat.Gateway.Connections;

/// <summary>What reading one WebSocket message gave.</summary>
public enum FrameOutcome
{
    Binary,
    Text,
    Closed,
    TooBig,
    TimedOut,
}

/// <summary>One read: the outcome, and for <see cref="FrameOutcome.Binary"/> the whole message (valid until the next read).</summary>
public readonly record struct FrameReadResult(FrameOutcome Outcome, ReadOnlyMemory<byte> Payload);

/// <summary>
/// Reads whole WebSocket messages, however many fragments they come in, up to a size limit and
/// until a deadline for the whole message (a message that never finishes is cut off). The
/// deadline is a token that <see cref="ConnectionTimeouts"/> cancels: no timer per read, which
/// under load costs more than the read itself. The socket's receive is never cancelled, because
/// cancelling a WebSocket receive aborts the socket and we still want to send a close frame.
/// </summary>
public sealed class FrameReader(WebSocket socket, int maxMessageBytes) : IDisposable
{
    private const int ChunkBytes = 4096;
    private const int RetainedBufferBytes = 64 * 1024;

    private readonly byte[] _chunk = new byte[ChunkBytes];
    private ArrayBufferWriter<byte>? _message; // only for messages that span several receives
    private Task<WebSocketReceiveResult>? _pending;

    /// <param name="deadline">Cancelled when the message took too long: the result is then <see cref="FrameOutcome.TimedOut"/>.</param>
    /// <param name="cancellationToken">Cancelled when the connection is aborted: throws.</param>
    public async Task<FrameReadResult> ReadAsync(CancellationToken deadline, CancellationToken cancellationToken)
    {
        if (_message is { Capacity: > RetainedBufferBytes })
        {
            _message = null; // do not keep one large message's buffer forever
        }

        _message?.ResetWrittenCount();
        var assembled = 0;
        while (true)
        {
            _pending ??= socket.ReceiveAsync(new ArraySegment<byte>(_chunk), CancellationToken.None);
            if (!_pending.IsCompleted)
            {
                if (deadline.IsCancellationRequested)
                {
                    return new FrameReadResult(FrameOutcome.TimedOut, default);
                }

                try
                {
                    await _pending.WaitAsync(deadline);
                }
                catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    return new FrameReadResult(FrameOutcome.TimedOut, default);
                }
            }

            cancellationToken.ThrowIfCancellationRequested();
            var received = await _pending;
            _pending = null;
            switch (received.MessageType)
            {
                case WebSocketMessageType.Close:
                    return new FrameReadResult(FrameOutcome.Closed, default);
                case WebSocketMessageType.Text:
                    return new FrameReadResult(FrameOutcome.Text, default);
            }

            if (assembled + received.Count > maxMessageBytes)
            {
                return new FrameReadResult(FrameOutcome.TooBig, default);
            }

            if (received.EndOfMessage && assembled == 0)
            {
                // The common case, a message in one receive: hand out the chunk itself, no copy.
                return new FrameReadResult(FrameOutcome.Binary, _chunk.AsMemory(0, received.Count));
            }

            _message ??= new ArrayBufferWriter<byte>(ChunkBytes * 2);
            _message.Write(_chunk.AsSpan(0, received.Count));
            assembled += received.Count;
            if (received.EndOfMessage)
            {
                return new FrameReadResult(FrameOutcome.Binary, _message.WrittenMemory);
            }
        }
    }

    public void Dispose()
    {
        // A receive left pending fails when the socket is aborted; observe it so it is not reported as unobserved.
        _pending?.ContinueWith(static t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);
        _pending = null;
    }
}
