using System.Net;
using System.Net.Sockets;

namespace XChat.Integration.Tests.Cluster;

/// <summary>
/// A loopback TCP front, like a load balancer before the gateways: each accepted connection is
/// piped byte for byte to the gateway port <see cref="TargetPort"/> names at accept time.
/// Repointing it moves new connections only; open ones stay with their gateway until either side
/// closes (so a gateway's close frame and FIN reach the client unchanged).
/// </summary>
internal sealed class LoopbackFront : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private int _targetPort;

    public LoopbackFront(int targetPort)
    {
        _targetPort = targetPort;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        WebSocketUri = new Uri($"ws://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/ws");
        _acceptLoop = AcceptAsync();
    }

    /// <summary>The front's address; clients connect here.</summary>
    public Uri WebSocketUri { get; }

    /// <summary>The gateway port new connections are piped to.</summary>
    public int TargetPort
    {
        get => Volatile.Read(ref _targetPort);
        set => Volatile.Write(ref _targetPort, value);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _acceptLoop;
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                _ = PipeAsync(client, TargetPort);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    private async Task PipeAsync(TcpClient client, int port)
    {
        using (client)
        using (var upstream = new TcpClient())
        {
            try
            {
                await upstream.ConnectAsync(IPAddress.Loopback, port, _stop.Token);
                using var ended = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                var a = client.GetStream().CopyToAsync(upstream.GetStream(), ended.Token);
                var b = upstream.GetStream().CopyToAsync(client.GetStream(), ended.Token);
                // One direction ending (a FIN or a reset) ends the pipe: the other side sees its socket close.
                await Task.WhenAny(a, b);
                await ended.CancelAsync();
                await Task.WhenAll(a, b).ContinueWith(_ => { }, TaskScheduler.Default);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
            {
                // The target is down or the pipe broke: the client sees its socket close, as it would without the front.
            }
        }
    }
}
