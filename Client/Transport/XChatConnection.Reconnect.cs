using System.Net.WebSockets;
using XChat.Protocol;

namespace XChat.Client.Transport;

// Keeping a socket: publish a session, ping it, notice its end, and replace it with backoff.
public sealed partial class XChatConnection
{
    /// <summary>Waits for each session to end and replaces it until the connection is disposed or refused for good.</summary>
    private async Task SuperviseAsync(ConnectionSession session)
    {
        while (true)
        {
            var status = await session.Closed.Task.ConfigureAwait(false);
            Unpublish(session);
            // Disposing twice is harmless, and DisposeAsync may no longer see this session once unpublished.
            session.Dispose();
            if (Volatile.Read(ref _disposed) != 0)
            {
                return;
            }

            if (!_options.AutoReconnect || IsFinal(status))
            {
                Terminate(new ConnectionLostException($"The server closed the connection with {(int?)status}; not reconnecting.", status), completeMessagesWithError: true);
                return;
            }

            var next = await ReconnectAsync().ConfigureAwait(false);
            if (next is null)
            {
                return;
            }

            session = next;
        }
    }

    private async Task<ConnectionSession?> ReconnectAsync()
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await Task.Delay(_backoff.Delay(attempt), _lifetime.Token).ConfigureAwait(false);
                var session = await OpenSessionAsync(_lifetime.Token).ConfigureAwait(false);
                Publish(session);
                return session;
            }
            catch (OperationCanceledException) when (_lifetime.IsCancellationRequested)
            {
                return null;
            }
            catch (XChatServerException e) when (e.Code is ErrorCode.AuthFailed or ErrorCode.UnsupportedVersion)
            {
                // The server refused this device or this protocol version: retrying cannot help.
                Terminate(e, completeMessagesWithError: true);
                return null;
            }
            catch (Exception) when (!_lifetime.IsCancellationRequested)
            {
                // The server is still away or still starting (refused, reset, timed out, UNAVAILABLE,
                // a half-written frame): the network stack fails in many shapes, and every one of
                // them means the same here: wait longer and try again.
            }
        }
    }

    // 4004 (unsupported version) cannot heal by reconnecting; 1000 from the server means it is done with us.
    private static bool IsFinal(WebSocketCloseStatus? status) =>
        status is WebSocketCloseStatus.NormalClosure || (int?)status == 4004;

    private void Publish(ConnectionSession session)
    {
        lock (_sessionGate)
        {
            Volatile.Write(ref _session, session);
            Interlocked.Increment(ref _sessionCount);
            _ready.TrySetResult(session);
        }

        _ = RunPingLoopAsync(session);
        _ = RunTimeoutLoopAsync(session);
        if (session.IsAuthenticated)
        {
            StartResume(session);
        }
    }

    private void Unpublish(ConnectionSession session)
    {
        lock (_sessionGate)
        {
            if (ReferenceEquals(_session, session))
            {
                Volatile.Write(ref _session, null);
            }

            if (_ready.Task.IsCompleted && _terminalError is null)
            {
                _ready = NewReady();
            }
        }

        _feed.OnConnectionLost();
    }

    private void Terminate(Exception error, bool completeMessagesWithError)
    {
        lock (_sessionGate)
        {
            _terminalError ??= error;
            _ready.TrySetException(_terminalError);
        }

        _messages.Writer.TryComplete(completeMessagesWithError ? error : null);
    }

    /// <summary>Pings at the configured interval; a ping without an answer means a dead socket, so it is dropped.</summary>
    private async Task RunPingLoopAsync(ConnectionSession session)
    {
        try
        {
            using var timer = new PeriodicTimer(_options.PingInterval);
            while (await timer.WaitForNextTickAsync(session.Stopping.Token).ConfigureAwait(false))
            {
                await RequestOnAsync(session, new ClientFrame { Ping = new PingRequest() }, session.Stopping.Token).ConfigureAwait(false);
            }
        }
        catch (TimeoutException)
        {
            session.Socket.Abort();
        }
        catch (Exception e) when (e is OperationCanceledException or ConnectionLostException or ObjectDisposedException or XChatServerException)
        {
            // The session ended (or the server refused a ping, which only a server bug does); a
            // successor session has its own ping loop.
        }
    }

    /// <summary>Fails the session's overdue requests a few times a second (see PendingRequests.ExpireOverdue).</summary>
    private static async Task RunTimeoutLoopAsync(ConnectionSession session)
    {
        try
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
            while (await timer.WaitForNextTickAsync(session.Stopping.Token).ConfigureAwait(false))
            {
                session.Pending.ExpireOverdue();
            }
        }
        catch (OperationCanceledException)
        {
            // The session ended; FailAll has failed what was left.
        }
    }

    private static TaskCompletionSource<ConnectionSession> NewReady() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
