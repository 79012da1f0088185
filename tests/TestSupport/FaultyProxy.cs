using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using XChat.Protocol;
using ErrorCode = XChat.Protocol.ErrorCode;

namespace XChat.TestSupport;

/// <summary>
/// A WebSocket proxy on real Kestrel between clients and a real server that injects real faults
/// on command: abrupt drops, lost pushes, a lost answer followed by a drop, refused connections.
/// Every frame it is not told to touch passes unchanged and in order; close frames pass too.
/// </summary>
/// <remarks>
/// Each accepted client gets its own upstream <see cref="ClientWebSocket"/>, opened before the
/// client's upgrade is accepted, so a server that is down looks like a server that is down (the
/// upgrade fails with 502). All controls are thread-safe and may be used while frames flow.
/// </remarks>
public sealed class FaultyProxy : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Uri _upstream;
    private readonly ConcurrentDictionary<ProxiedConnection, byte> _connections = new();
    private readonly ConcurrentDictionary<ErrorCode, int> _errorsSeen = new();
    // Guards _answersToLose and _lastClientCloseStatus.
    private readonly object _gate = new();
    // Request kinds whose next answer is swallowed; claimed one at a time, oldest first.
    private readonly List<ClientFrame.BodyOneofCase> _answersToLose = [];
    private int _pushesToDrop;
    private int _accepted;
    private long _refuseUntilTicks;
    private volatile bool _refusing;
    private WebSocketCloseStatus? _lastClientCloseStatus;

    private FaultyProxy(WebApplication app, Uri upstream, Uri webSocketUri)
    {
        _app = app;
        _upstream = upstream;
        WebSocketUri = webSocketUri;
    }

    /// <summary>The proxy's own WebSocket address; clients connect here instead of the server.</summary>
    public Uri WebSocketUri { get; }

    /// <summary>Client connections that are forwarded right now.</summary>
    public int OpenConnections => _connections.Count;

    /// <summary>Client connections accepted (and connected upstream) since the proxy started.</summary>
    public int AcceptedConnections => Volatile.Read(ref _accepted);

    /// <summary>The close code of the last close frame a client sent through the proxy.</summary>
    public WebSocketCloseStatus? LastClientCloseStatus
    {
        get { lock (_gate) { return _lastClientCloseStatus; } }
    }

    /// <summary>Starts a proxy on a free loopback port in front of <paramref name="upstream"/> (a ws:// URI).</summary>
    public static async Task<FaultyProxy> StartAsync(Uri upstream)
    {
        ArgumentNullException.ThrowIfNull(upstream);
        var port = FreePorts.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var proxy = new FaultyProxy(app, upstream, new Uri($"ws://127.0.0.1:{port}/ws"));
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero });
        app.Map("/ws", proxy.AcceptAsync);
        await app.StartAsync();
        return proxy;
    }

    /// <summary>Aborts every current connection on both sides at once: no close frame, like a network failure.</summary>
    public void DropAll()
    {
        foreach (var connection in _connections.Keys)
        {
            connection.Abort();
        }
    }

    /// <summary>Drops the next <paramref name="count"/> pushes from the server to any client; other frames still pass.</summary>
    public void DropNextPushes(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Interlocked.Add(ref _pushesToDrop, count);
    }

    /// <summary>Pushes still to be dropped.</summary>
    public int PushesToDrop => Volatile.Read(ref _pushesToDrop);

    /// <summary>
    /// Lets the next client request of <paramref name="kind"/> reach the server, swallows the
    /// server's answer to it and then aborts that connection: the request took effect, but the
    /// client never learns its outcome.
    /// </summary>
    public void LoseNextAnswer(ClientFrame.BodyOneofCase kind)
    {
        lock (_gate)
        {
            _answersToLose.Add(kind);
        }
    }

    /// <summary>While true, new connections are refused with 503 before the upgrade; open ones are not touched.</summary>
    public bool RefuseConnections
    {
        get => _refusing || DateTime.UtcNow.Ticks < Interlocked.Read(ref _refuseUntilTicks);
        set => _refusing = value;
    }

    /// <summary>Refuses new connections for <paramref name="duration"/> from now.</summary>
    public void RefuseConnectionsFor(TimeSpan duration) =>
        Interlocked.Exchange(ref _refuseUntilTicks, (DateTime.UtcNow + duration).Ticks);

    /// <summary>How many Error frames with <paramref name="code"/> the server sent through the proxy.</summary>
    public int ErrorsSeen(ErrorCode code) => _errorsSeen.GetValueOrDefault(code);

    public async ValueTask DisposeAsync()
    {
        DropAll();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>Claims one pending push drop; false when none is pending.</summary>
    internal bool TryClaimPushDrop()
    {
        var left = Volatile.Read(ref _pushesToDrop);
        while (left > 0)
        {
            var seen = Interlocked.CompareExchange(ref _pushesToDrop, left - 1, left);
            if (seen == left)
            {
                return true;
            }

            left = seen;
        }

        return false;
    }

    /// <summary>Claims a pending lost answer for a request of this kind; false when none is pending.</summary>
    internal bool TryClaimLostAnswer(ClientFrame.BodyOneofCase kind)
    {
        lock (_gate)
        {
            return _answersToLose.Remove(kind);
        }
    }

    internal bool HasLostAnswersPending
    {
        get { lock (_gate) { return _answersToLose.Count > 0; } }
    }

    internal void OnServerError(ErrorCode code) => _errorsSeen.AddOrUpdate(code, 1, (_, n) => n + 1);

    internal void OnClientClose(WebSocketCloseStatus? status)
    {
        lock (_gate)
        {
            _lastClientCloseStatus = status;
        }
    }

    private async Task AcceptAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        if (RefuseConnections)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        var upstream = new ClientWebSocket();
        upstream.Options.KeepAliveInterval = TimeSpan.Zero;
        try
        {
            using var connecting = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            connecting.CancelAfter(TimeSpan.FromSeconds(10));
            await upstream.ConnectAsync(_upstream, connecting.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or HttpRequestException)
        {
            // The server is down or refusing: the client sees its upgrade fail, as it would without the proxy.
            upstream.Dispose();
            context.Response.StatusCode = StatusCodes.Status502BadGateway;
            return;
        }

        using var client = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { KeepAliveInterval = TimeSpan.Zero });
        var connection = new ProxiedConnection(this, context, client, upstream);
        _connections[connection] = 0;
        Interlocked.Increment(ref _accepted);
        try
        {
            await connection.RunAsync();
        }
        finally
        {
            _connections.TryRemove(connection, out _);
            upstream.Dispose();
        }
    }
}
