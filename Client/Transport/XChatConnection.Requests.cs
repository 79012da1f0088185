using XChat.Protocol;

namespace XChat.Client.Transport;

// Request plumbing: ids, correlation, timeouts, and mapping Error frames to XChatServerException.
public sealed partial class XChatConnection
{
    /// <summary>Sends a request on the current socket; fails at once with ConnectionLostException while reconnecting.</summary>
    private Task<ServerFrame> RequestAsync(ClientFrame frame, CancellationToken cancellationToken) =>
        RequestOnAsync(CurrentSession(), frame, cancellationToken);

    private async Task<ServerFrame> RequestOnAsync(ConnectionSession session, ClientFrame frame, CancellationToken cancellationToken)
    {
        var requestId = (ulong)Interlocked.Increment(ref _lastRequestId);
        frame.RequestId = requestId;
        var answer = session.Pending.Register(requestId, _options.RequestTimeout);
        try
        {
            // The caller's token is not passed to the socket: cancelling a WebSocket send aborts the
            // whole socket. Cancellation ends the wait for the answer instead.
            await session.Socket.SendAsync(frame, _lifetime.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is System.Net.WebSockets.WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            session.Pending.Remove(requestId);
            throw new ConnectionLostException("The connection dropped while sending the request.", session.Socket.CloseStatus, e);
        }

        ServerFrame response;
        try
        {
            // The deadline is enforced by the session's sweep (RunTimeoutLoopAsync), not a timer per request.
            response = cancellationToken.CanBeCanceled
                ? await answer.WaitAsync(cancellationToken).ConfigureAwait(false)
                : await answer.ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            session.Pending.Remove(requestId);
            throw new TimeoutException($"No answer to {frame.BodyCase} within {_options.RequestTimeout}.");
        }
        catch (OperationCanceledException)
        {
            session.Pending.Remove(requestId);
            throw;
        }

        if (response.BodyCase == ServerFrame.BodyOneofCase.Error)
        {
            throw XChatServerException.From(response.Error);
        }

        return response;
    }

    private static ServerFrame Expect(ServerFrame response, ServerFrame.BodyOneofCase expected) =>
        response.BodyCase == expected
            ? response
            : throw new InvalidDataException($"The server answered with {response.BodyCase} where {expected} was expected.");

    private ConnectionSession CurrentSession()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Volatile.Read(ref _terminalError) is { } terminal)
        {
            throw new ConnectionLostException("The connection was closed for good.", null, terminal);
        }

        return Volatile.Read(ref _session) is { IsClosed: false } session
            ? session
            : throw new ConnectionLostException("Not connected: the connection is reconnecting.");
    }

    /// <summary>Waits until a live session is published (across reconnects); Timeout.InfiniteTimeSpan waits without limit.</summary>
    private ValueTask<ConnectionSession> WaitForSessionAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        // Every request asks; while connected the answer is at hand and costs no allocation.
        Volatile.Read(ref _disposed) == 0 && Volatile.Read(ref _session) is { IsClosed: false } session
            ? ValueTask.FromResult(session)
            : new ValueTask<ConnectionSession>(WaitForNextSessionAsync(timeout, cancellationToken));

    private async Task<ConnectionSession> WaitForNextSessionAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            Task<ConnectionSession> ready;
            lock (_sessionGate)
            {
                ready = _ready.Task;
            }

            if (Volatile.Read(ref _session) is { IsClosed: false } session)
            {
                return session;
            }

            var remaining = timeout == Timeout.InfiniteTimeSpan ? Timeout.InfiniteTimeSpan : timeout - clock.Elapsed;
            if (remaining != Timeout.InfiniteTimeSpan && remaining <= TimeSpan.Zero)
            {
                throw new TimeoutException($"Not reconnected within {timeout}.");
            }

            if (ready.IsCompletedSuccessfully)
            {
                // The published session closed but the supervisor has not replaced the signal yet.
                await Task.Delay(TimeSpan.FromMilliseconds(10), cancellationToken).ConfigureAwait(false);
                continue;
            }

            try
            {
                await ready.WaitAsync(remaining, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (ready.IsFaulted && e is not OperationCanceledException and not TimeoutException)
            {
                throw new ConnectionLostException("The connection was closed for good.", null, e);
            }
        }
    }
}
