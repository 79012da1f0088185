using System.Net.WebSockets;
using System.Threading.Channels;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using XChat.Gateway.Dispatch;
using XChat.Gateway.Hosting;
using XChat.Grains.Conversations;
using XChat.Protocol;

namespace XChat.Gateway.Connections;

/// <summary>
/// One client WebSocket: a receive loop and a send loop. Every outgoing frame, the close frame
/// included, goes through the bounded send queue and the single send loop, so the socket never
/// has two sends at once; a client that does not read fills the queue and is disconnected (4002)
/// instead of stalling anyone else.
/// </summary>
public sealed partial class GatewayConnection
{
    private readonly WebSocket _socket;
    private readonly WebSocketGatewayOptions _options;
    private readonly ConnectionServices _services;
    private readonly ILogger _logger;
    private readonly Channel<byte[]> _outbox;
    private readonly SemaphoreSlim _requestSlots;
    private readonly ConnectionAuth _auth;
    private readonly CancellationTokenSource _abort = new();
    private readonly object _closeGate = new();
    private readonly TaskCompletionSource _closeRequested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebSocketCloseStatus? _closeStatus;
    private string _closeReason = string.Empty;
    private bool _dropQueued;

    public GatewayConnection(WebSocket socket, WebSocketGatewayOptions options, ConnectionServices services, ILogger logger)
    {
        _socket = socket;
        _options = options;
        _services = services;
        _logger = logger;
        _outbox = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(options.SendQueueFrames)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _requestSlots = new SemaphoreSlim(options.MaxConcurrentRequestsPerConnection);
        _auth = new ConnectionAuth(this, services);
    }

    internal WebSocketGatewayOptions Options => _options;

    /// <summary>Cancelled when the connection has ended.</summary>
    internal CancellationToken Aborted => _abort.Token;

    /// <summary>The logged-in device, or null before login.</summary>
    public DeviceAddress? Device => _auth.Device;

    /// <summary>Queues a frame; a full queue means the client is not reading, and closes the connection.</summary>
    public void Enqueue(byte[] frame)
    {
        if (!_outbox.Writer.TryWrite(frame) && _closeStatus is null)
        {
            LogSendQueueOverflow(_logger, _options.SendQueueFrames);
            Close(CloseCodes.SendQueueOverflow, "send queue overflow", flush: false);
            // A client that does not read cannot take a close frame either (the send loop is stuck
            // on a full socket buffer): abort now instead of waiting out the close timeout.
            _abort.Cancel();
            _socket.Abort();
        }
    }

    public void Send(ulong requestId, ServerFrame frame)
    {
        frame.RequestId = requestId;
        Enqueue(frame.ToByteArray());
    }

    /// <summary>Starts closing: the send loop sends what is queued (when flush) and then the close frame.</summary>
    public void Close(WebSocketCloseStatus status, string reason, bool flush)
    {
        lock (_closeGate)
        {
            if (_closeStatus is not null)
            {
                return;
            }

            _closeStatus = status;
            _closeReason = reason;
            _dropQueued = !flush;
        }

        _outbox.Writer.TryComplete();
        _closeRequested.TrySetResult();
    }

    public async Task RunAsync(CancellationToken requestAborted)
    {
        using var registration = requestAborted.Register(() =>
        {
            _abort.Cancel();
            _socket.Abort();
        });
        var sending = SendLoopAsync();
        var receiving = ReceiveLoopAsync();
        try
        {
            await Task.WhenAny(sending, receiving, _closeRequested.Task);
            Close(CloseCodes.Normal, string.Empty, flush: true);
            // Give the close handshake a bounded time, then abort: a client that never answers, or
            // never reads (its send blocks on a full socket buffer), cannot hold the connection open.
            var both = Task.WhenAll(sending, receiving);
            if (await Task.WhenAny(both, Task.Delay(_options.CloseTimeout)) != both)
            {
                _abort.Cancel();
                _socket.Abort();
            }

            await both.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        finally
        {
            _abort.Cancel();
            await _auth.LogoutAsync();
        }
    }

    private async Task SendLoopAsync()
    {
        try
        {
            await foreach (var frame in _outbox.Reader.ReadAllAsync(_abort.Token))
            {
                if (_dropQueued)
                {
                    break;
                }

                // No token: with a cancellable one, ManagedWebSocket takes its slower path for every
                // frame (an async wait on its send lock and a token registration). Every path that
                // ends a connection while a send may be pending also aborts the socket, which fails it.
                await _socket.SendAsync(frame, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
            }

            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await _socket.CloseOutputAsync(_closeStatus ?? CloseCodes.Normal, _closeReason, _abort.Token);
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // The peer went away or we aborted: normal for a connection, not an error.
        }
        finally
        {
            Close(CloseCodes.Normal, string.Empty, flush: false);
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var reader = new FrameReader(_socket, _options.MaxFrameBytes);
        using var deadline = _services.Timeouts.Register();
        try
        {
            while (true)
            {
                if (_closeStatus is not null)
                {
                    return; // closing: RunAsync bounds the wait for the client's close frame
                }

                deadline.Start(_auth.Device is null ? _auth.LoginTimeRemaining : _options.IdleTimeout);
                var result = await reader.ReadAsync(deadline.Token, _abort.Token);
                switch (result.Outcome)
                {
                    case FrameOutcome.Closed:
                        return;
                    case FrameOutcome.TimedOut:
                        var loginTimeout = _auth.Device is null;
                        Close(loginTimeout ? CloseCodes.LoginTimeout : CloseCodes.IdleTimeout, loginTimeout ? "login timeout" : "idle timeout", flush: true);
                        return;
                    case FrameOutcome.TooBig:
                        Close(CloseCodes.TooBig, "frame too big", flush: false);
                        return;
                    case FrameOutcome.Text:
                        Close(CloseCodes.UnsupportedData, "binary frames only", flush: false);
                        return;
                }

                ClientFrame frame;
                try
                {
                    frame = ClientFrame.Parser.ParseFrom(result.Payload.Span);
                }
                catch (InvalidProtocolBufferException)
                {
                    Close(CloseCodes.ProtocolError, "malformed frame", flush: false);
                    return;
                }

                await HandleFrameAsync(frame);
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // Premature close by the client or abort: normal.
        }
        finally
        {
            reader.Dispose();
        }
    }

    private async Task HandleFrameAsync(ClientFrame frame)
    {
        if (frame.RequestId == 0)
        {
            Send(0, new ServerFrame { Error = new Error { Code = ErrorCode.BadRequest, Message = "request_id must be non-zero." } });
            return;
        }

        switch (frame.BodyCase)
        {
            case ClientFrame.BodyOneofCase.Hello:
            case ClientFrame.BodyOneofCase.Register:
            case ClientFrame.BodyOneofCase.Login:
            case ClientFrame.BodyOneofCase.LinkDevice:
                // Authentication runs in order, inside the receive loop.
                await _auth.HandleAsync(frame);
                return;
            case ClientFrame.BodyOneofCase.Ping:
                Send(frame.RequestId, new ServerFrame { Pong = new PongResult { ServerTimestampMs = _services.Time.GetUtcNow().ToUnixTimeMilliseconds() } });
                return;
        }

        if (_auth.Device is not { } device)
        {
            Send(frame.RequestId, new ServerFrame { Error = new Error { Code = ErrorCode.Unauthenticated, Message = "Log in first." } });
            return;
        }

        // Other requests run concurrently (a client may pipeline sends); the slots bound how many.
        await _requestSlots.WaitAsync(_abort.Token);
        _ = DispatchAsync(device, frame);
    }

    private async Task DispatchAsync(DeviceAddress device, ClientFrame frame)
    {
        try
        {
            var answer = await _services.Dispatcher.DispatchAsync(device, frame);
            Send(frame.RequestId, answer);
        }
        catch (Exception exception)
        {
            SendError(frame.RequestId, exception);
        }
        finally
        {
            _requestSlots.Release();
        }
    }

    internal void SendError(ulong requestId, Exception exception)
    {
        var (error, isBug) = ErrorMapping.ToError(exception);
        if (isBug)
        {
            LogRequestFailed(_logger, exception, error.Code);
        }

        Send(requestId, new ServerFrame { Error = error });
    }
}
