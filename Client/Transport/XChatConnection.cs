using System.Net.WebSockets;
using System.Threading.Channels;
using XChat.Protocol;

namespace XChat.Client.Transport;

/// <summary>
/// A device's connection to the XChat WebSocket gateway. It survives socket drops: it reconnects
/// with backoff, logs in again, resumes every conversation from the local cursors, and delivers
/// each message to <see cref="Messages"/> once and in seq order per conversation.
/// </summary>
/// <remarks>
/// This file holds connect, the receive loop and dispose; reconnecting is in
/// XChatConnection.Reconnect.cs, the operations in XChatConnection.Operations.cs and
/// XChatConnection.Send.cs, the request plumbing in XChatConnection.Requests.cs and delivery
/// (push, sync, resume, acks) in XChatConnection.Delivery.cs.
/// </remarks>
public sealed partial class XChatConnection : IAsyncDisposable
{
    private readonly Uri _uri;
    private readonly IDeviceIdentity _identity;
    private readonly XChatConnectionOptions _options;
    private readonly ReconnectBackoff _backoff;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly object _sessionGate = new();
    private ConnectionSession? _session;
    // Completed when a session is published; replaced when it ends. Waiters snapshot it before reading _session.
    private TaskCompletionSource<ConnectionSession> _ready = NewReady();
    private Exception? _terminalError;
    private Task _supervisor = Task.CompletedTask;
    private long _lastRequestId;
    private int _disposed;
    private long _sessionCount;

    /// <summary>The settings this connection was opened with.</summary>
    internal XChatConnectionOptions Options => _options;

    private XChatConnection(Uri uri, IDeviceIdentity identity, XChatConnectionOptions options)
    {
        _uri = uri;
        _identity = identity;
        _options = options;
        _backoff = new ReconnectBackoff(options.ReconnectInitialDelay, options.ReconnectMaxDelay);
        _messages = Channel.CreateUnbounded<Envelope>(new UnboundedChannelOptions { SingleReader = true });
        _feed = new DeliveryFeed(
            envelope => _messages.Writer.TryWrite(envelope),
            options.LocalCursors,
            envelope => envelope.SenderDeviceId == identity.DeviceId && envelope.SenderUserId == identity.UserId);
    }

    /// <summary>Where the connection is: connected, reconnecting, or closed.</summary>
    public ConnectionState State => Volatile.Read(ref _disposed) != 0 || Volatile.Read(ref _terminalError) is not null
        ? ConnectionState.Closed
        : Volatile.Read(ref _session) is { IsClosed: false } ? ConnectionState.Connected : ConnectionState.Reconnecting;

    /// <summary>How many sockets completed the handshake so far (1 after connect; each reconnect adds one).</summary>
    public long SessionCount => Interlocked.Read(ref _sessionCount);

    /// <summary>The logged-in user, or null before register or login.</summary>
    public string? UserId => _identity.UserId;

    /// <summary>The logged-in device id, or 0 before register or login.</summary>
    public uint DeviceId => _identity.DeviceId;

    /// <summary>The server's limits from the latest Welcome.</summary>
    public Welcome? ServerInfo => Volatile.Read(ref _session)?.Welcome;

    /// <summary>
    /// Opens the WebSocket, says Hello and, when the identity is registered, logs in and starts
    /// resuming. An unregistered identity gets a connection ready for <see cref="RegisterAsync"/>.
    /// </summary>
    public static async Task<XChatConnection> ConnectAsync(Uri uri, IDeviceIdentity identity, XChatConnectionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(uri);
        ArgumentNullException.ThrowIfNull(identity);
        options ??= new XChatConnectionOptions();
        options.Validate();

        var connection = new XChatConnection(uri, identity, options);
        try
        {
            var session = await connection.OpenSessionAsync(cancellationToken).ConfigureAwait(false);
            connection.Publish(session);
            connection._supervisor = connection.SuperviseAsync(session);
            connection._ackLoop = connection.RunAckLoopAsync();
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Closes with 1000 after flushing pending acks (bounded by CloseTimeout), and ends <see cref="Messages"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        var session = Volatile.Read(ref _session);
        if (session is { IsClosed: false })
        {
            using var closing = new CancellationTokenSource(_options.CloseTimeout);
            try
            {
                if (session.IsAuthenticated)
                {
                    await FlushAcksAsync(session, closing.Token).ConfigureAwait(false);
                }

                await session.Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, closing.Token).ConfigureAwait(false);
                await session.Closed.Task.WaitAsync(closing.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ConnectionLostException or TimeoutException or XChatServerException)
            {
                // A slow or vanished server must not hold Dispose up: the socket is aborted below.
            }
        }

        _lifetime.Cancel();
        session?.Socket.Abort();
        await Task.WhenAll(_supervisor, _ackLoop).ConfigureAwait(false);
        Terminate(new ObjectDisposedException(nameof(XChatConnection)), completeMessagesWithError: false);

        // A reconnect may have published a newer session while the old one was closing.
        foreach (var owned in new[] { session, Volatile.Read(ref _session) }.Distinct())
        {
            if (owned is not null)
            {
                owned.Socket.Abort();
                await owned.Closed.Task.ConfigureAwait(false);
                owned.Dispose();
            }
        }
    }

    /// <summary>Connects a new socket and completes Hello, and login when the identity has an address.</summary>
    private async Task<ConnectionSession> OpenSessionAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
        timeout.CancelAfter(_options.ConnectTimeout);
        var socket = await FrameSocket.ConnectAsync(_uri, _options, timeout.Token).ConfigureAwait(false);
        var session = new ConnectionSession(socket);
        _ = RunReceiveLoopAsync(session);
        try
        {
            var hello = new Hello { Version = ProtocolVersion._1, Client = _options.ClientName };
            var answer = await RequestOnAsync(session, new ClientFrame { Hello = hello }, timeout.Token).ConfigureAwait(false);
            session.Welcome = Expect(answer, ServerFrame.BodyOneofCase.Welcome).Welcome;
            if (_identity.UserId is not null && session.TryUseChallenge())
            {
                await LoginOnAsync(session, timeout.Token).ConfigureAwait(false);
            }

            return session;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && !_lifetime.IsCancellationRequested)
        {
            socket.Abort();
            await session.Closed.Task.ConfigureAwait(false);
            session.Dispose();
            throw new TimeoutException($"Connecting and logging in took longer than {_options.ConnectTimeout}.");
        }
        catch
        {
            socket.Abort();
            await session.Closed.Task.ConfigureAwait(false);
            session.Dispose();
            throw;
        }
    }

    /// <summary>The one reader of a socket: answers go to their waiting request, pushes to the feed.</summary>
    private async Task RunReceiveLoopAsync(ConnectionSession session)
    {
        Exception? error = null;
        try
        {
            while (await session.Socket.ReceiveAsync(_lifetime.Token).ConfigureAwait(false) is { } frame)
            {
                if (frame.RequestId != 0)
                {
                    session.Pending.Complete(frame);
                }
                else if (frame.BodyCase == ServerFrame.BodyOneofCase.Push && frame.Push.Message is { } message)
                {
                    OnPush(message);
                }
                else if (frame.BodyCase == ServerFrame.BodyOneofCase.Typing)
                {
                    OnTyping(frame.Typing);
                }
                else if (frame.BodyCase == ServerFrame.BodyOneofCase.Resync)
                {
                    StartResume(session); // pushes may have been lost: catch up from the cursors
                }
            }
        }
        catch (Exception e)
        {
            // Whatever ends the loop (a drop, an abort, a malformed or oversized frame) ends this
            // socket: nothing else reads it. The supervisor decides what happens next.
            error = e;
            session.Socket.Abort();
        }
        finally
        {
            var status = session.Socket.CloseStatus;
            session.Pending.FailAll(new ConnectionLostException($"The connection closed ({(status is null ? "no close code" : (int)status.Value)}) before the answer came.", status, error));
            session.Stopping.Cancel();
            session.Closed.TrySetResult(status);
        }
    }
}
