using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using XChat.Protocol;

namespace XChat.TestSupport;

/// <summary>
/// One client connection through a <see cref="FaultyProxy"/>: two pumps, client to server and
/// server to client, each the only sender on its target socket, so no socket sees two sends at once.
/// </summary>
internal sealed class ProxiedConnection(FaultyProxy proxy, HttpContext context, WebSocket client, ClientWebSocket server)
{
    private const int MaxMessageBytes = 16 * 1024 * 1024;
    // Request ids whose answers are swallowed, after which the connection is dropped.
    private readonly ConcurrentDictionary<ulong, byte> _answersToLose = new();
    private int _aborted;

    public async Task RunAsync()
    {
        var upstream = PumpAsync(client, server, fromClient: true);
        var downstream = PumpAsync(server, client, fromClient: false);
        // A pump that fails (a reset, an abort) takes the other side down with it; a pump that
        // ends by forwarding a close frame leaves the other to finish the close handshake.
        await Task.WhenAll(upstream, downstream);
    }

    /// <summary>Aborts both sockets and the client's TCP connection: no close frame on either side.</summary>
    public void Abort()
    {
        if (Interlocked.Exchange(ref _aborted, 1) != 0)
        {
            return;
        }

        client.Abort();
        server.Abort();
        context.Abort();
    }

    private async Task PumpAsync(WebSocket from, WebSocket to, bool fromClient)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            while (true)
            {
                var count = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (count == buffer.Length)
                    {
                        buffer = Grow(buffer);
                    }

                    result = await from.ReceiveAsync(buffer.AsMemory(count), CancellationToken.None);
                    count += result.Count;
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await ForwardCloseAsync(from, to, fromClient);
                    return;
                }

                var message = buffer.AsMemory(0, count);
                if (fromClient ? OnClientFrame(message) : OnServerFrame(message))
                {
                    await to.SendAsync(message, result.MessageType, endOfMessage: true, CancellationToken.None);
                }
                else if (Volatile.Read(ref _aborted) != 0)
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            // One side went away without a close handshake: so does the other.
            Abort();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task ForwardCloseAsync(WebSocket from, WebSocket to, bool fromClient)
    {
        if (fromClient)
        {
            proxy.OnClientClose(from.CloseStatus);
        }

        if (to.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            await to.CloseOutputAsync(from.CloseStatus ?? WebSocketCloseStatus.Empty, from.CloseStatusDescription, CancellationToken.None);
        }
    }

    /// <summary>Looks at a client frame on its way up; always forwards it.</summary>
    private bool OnClientFrame(ReadOnlyMemory<byte> message)
    {
        if (proxy.HasLostAnswersPending && TryParse(ClientFrame.Parser, message) is { RequestId: not 0 } frame
            && proxy.TryClaimLostAnswer(frame.BodyCase))
        {
            _answersToLose[frame.RequestId] = 0;
        }

        return true;
    }

    /// <summary>Looks at a server frame on its way down; false when it is dropped.</summary>
    private bool OnServerFrame(ReadOnlyMemory<byte> message)
    {
        if (TryParse(ServerFrame.Parser, message) is not { } frame)
        {
            return true;
        }

        if (frame.BodyCase == ServerFrame.BodyOneofCase.Error)
        {
            proxy.OnServerError(frame.Error.Code);
        }

        if (frame.RequestId != 0 && _answersToLose.TryRemove(frame.RequestId, out _))
        {
            // The server did the work and answered; the client never hears of it.
            Abort();
            return false;
        }

        return !(frame.BodyCase == ServerFrame.BodyOneofCase.Push && proxy.TryClaimPushDrop());
    }

    private static T? TryParse<T>(MessageParser<T> parser, ReadOnlyMemory<byte> message)
        where T : class, IMessage<T>
    {
        try
        {
            return parser.ParseFrom(message.Span);
        }
        catch (InvalidProtocolBufferException)
        {
            // Not ours to judge: bad bytes pass unchanged, and the receiver deals with them.
            return null;
        }
    }

    private static byte[] Grow(byte[] buffer)
    {
        if (buffer.Length >= MaxMessageBytes)
        {
            throw new WebSocketException(WebSocketError.Faulted, $"A message exceeded the proxy's {MaxMessageBytes} bytes.");
        }

        var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
        buffer.CopyTo(larger, 0);
        ArrayPool<byte>.Shared.Return(buffer);
        return larger;
    }
}
