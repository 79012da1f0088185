using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using XChat.Protocol;

namespace XChat.Client.Tests.Transport.Fakes;

/// <summary>
/// A scripted stand-in for the WebSocket gateway on real Kestrel: enough of PROTOCOL.md to drive
/// the client (handshake, auth, direct conversations, send, sync, ack, push), plus knobs to drop
/// sockets, lose pushes and answers, and fail sends. The real gateway's tests live elsewhere.
/// </summary>
internal sealed class FakeGateway : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<FakeSocket, byte> _sockets = new();

    private FakeGateway(WebApplication app, FakeGatewayState state)
    {
        _app = app;
        State = state;
    }

    public FakeGatewayState State { get; }

    public Uri Uri { get; private set; } = null!;

    public int OpenSockets => _sockets.Count;

    public static async Task<FakeGateway> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var gateway = new FakeGateway(app, new FakeGatewayState());
        app.UseWebSockets();
        app.Map("/ws", gateway.AcceptAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        gateway.Uri = new Uri(address.Replace("http://", "ws://", StringComparison.Ordinal) + "/ws");
        return gateway;
    }

    /// <summary>Closes every socket with a close code (1001: the server is going away).</summary>
    public async Task CloseAllAsync(WebSocketCloseStatus status)
    {
        foreach (var socket in _sockets.Keys)
        {
            await socket.CloseAsync(status);
        }
    }

    /// <summary>Drops every socket without a close frame, like a crashed server.</summary>
    public void AbortAll()
    {
        foreach (var socket in _sockets.Keys)
        {
            socket.Abort();
        }
    }

    /// <summary>Appends a message from another device and pushes it, as the gateway would.</summary>
    public Task InjectAsync(string conversationId, string senderUserId, uint senderDeviceId, byte[] payload) =>
        ApplyAsync(State.Inject(conversationId, senderUserId, senderDeviceId, payload));

    private static async Task ApplyAsync(IReadOnlyList<Outgoing> actions)
    {
        foreach (var action in actions)
        {
            if (action.Frame is not null)
            {
                await action.Target.SendAsync(action.Frame);
            }

            if (action.Close is { } status)
            {
                await action.Target.CloseAsync(status);
            }

            if (action.Abort)
            {
                action.Target.Abort();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        AbortAll();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task AcceptAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        using var webSocket = await context.WebSockets.AcceptWebSocketAsync();
        var socket = new FakeSocket(webSocket);
        _sockets[socket] = 0;
        try
        {
            await RunAsync(socket);
        }
        finally
        {
            _sockets.TryRemove(socket, out _);
            State.Disconnect(socket);
        }
    }

    private async Task RunAsync(FakeSocket socket)
    {
        var buffer = new byte[1 << 20];
        while (true)
        {
            int count = 0;
            ValueWebSocketReceiveResult result;
            try
            {
                do
                {
                    result = await socket.WebSocket.ReceiveAsync(buffer.AsMemory(count), CancellationToken.None);
                    count += result.Count;
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
                return;
            }

            if (result.MessageType == WebSocketMessageType.Close)
            {
                State.LastClientClose = socket.WebSocket.CloseStatus;
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure);
                return;
            }

            var frame = ClientFrame.Parser.ParseFrom(buffer.AsSpan(0, count));
            await ApplyAsync(State.Handle(socket, frame));
        }
    }
}

/// <summary>One server-side socket of the fake gateway.</summary>
internal sealed class FakeSocket(WebSocket webSocket)
{
    private readonly SemaphoreSlim _sendLock = new(1, 1);

    public WebSocket WebSocket { get; } = webSocket;

    public byte[] Challenge { get; set; } = [];

    public bool ChallengeUsed { get; set; }

    public string? UserId { get; set; }

    public uint DeviceId { get; set; }

    public async Task SendAsync(ServerFrame frame)
    {
        await _sendLock.WaitAsync();
        try
        {
            if (WebSocket.State == WebSocketState.Open)
            {
                await WebSocket.SendAsync(frame.ToByteArray(), WebSocketMessageType.Binary, true, CancellationToken.None);
            }
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException)
        {
            // The client went away; its receive side notices.
        }
        finally
        {
            _sendLock.Release();
        }
    }

    public async Task CloseAsync(WebSocketCloseStatus status)
    {
        await _sendLock.WaitAsync();
        try
        {
            if (WebSocket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await WebSocket.CloseOutputAsync(status, null, CancellationToken.None);
            }
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException)
        {
        }
        finally
        {
            _sendLock.Release();
        }
    }

    public void Abort() => WebSocket.Abort();
}
