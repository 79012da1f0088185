using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace XChat.LoadTests;

/// <summary>
/// The baseline: a bare Kestrel WebSocket relay on 127.0.0.1 that forwards each frame from
/// /relay/{pair}a to /relay/{pair}b and back, and does nothing else (no parsing, storage or acks).
/// </summary>
internal sealed class RelayServer : IAsyncDisposable
{
    private const int MaxFrameBytes = 1 << 20;
    private readonly ConcurrentDictionary<string, RelayPeer> _peers = new(StringComparer.Ordinal);
    private WebApplication _app = null!;

    public Uri BaseUri { get; private set; } = null!;

    public int ConnectedPeers => _peers.Count;

    public static async Task<RelayServer> StartAsync()
    {
        var relay = new RelayServer();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        relay._app = builder.Build();
        relay._app.UseWebSockets();
        relay._app.Map("/relay/{id}", relay.AcceptAsync);
        await relay._app.StartAsync();
        var address = relay._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        relay.BaseUri = new Uri(address.Replace("http://", "ws://", StringComparison.Ordinal));
        return relay;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var peer in _peers.Values)
        {
            peer.Socket.Abort();
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task AcceptAsync(HttpContext context)
    {
        var id = (string)context.Request.RouteValues["id"]!;
        if (!context.WebSockets.IsWebSocketRequest || id.Length < 2 || id[^1] is not ('a' or 'b'))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var peer = new RelayPeer(socket);
        _peers[id] = peer;
        var partnerId = id[..^1] + (id[^1] == 'a' ? 'b' : 'a');
        var buffer = new byte[MaxFrameBytes];
        try
        {
            while (true)
            {
                var count = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(buffer.AsMemory(count), context.RequestAborted);
                    count += result.Count;
                }
                while (!result.EndOfMessage && count < buffer.Length);

                if (result.MessageType == WebSocketMessageType.Close || !result.EndOfMessage)
                {
                    return;
                }

                if (_peers.TryGetValue(partnerId, out var partner))
                {
                    await partner.SendAsync(buffer.AsMemory(0, count));
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // A peer that goes away ends its loop; this is a baseline, not a server.
        }
        finally
        {
            _peers.TryRemove(new KeyValuePair<string, RelayPeer>(id, peer));
        }
    }

    private sealed class RelayPeer(WebSocket socket)
    {
        private readonly SemaphoreSlim _sendLock = new(1, 1);

        public WebSocket Socket { get; } = socket;

        public async Task SendAsync(ReadOnlyMemory<byte> frame)
        {
            await _sendLock.WaitAsync();
            try
            {
                await Socket.SendAsync(frame, WebSocketMessageType.Binary, true, CancellationToken.None);
            }
            catch (Exception e) when (e is WebSocketException or ObjectDisposedException)
            {
                // The partner left; the frame is lost and the tool counts it.
            }
            finally
            {
                _sendLock.Release();
            }
        }
    }
}
