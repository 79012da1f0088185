using System.Net.WebSockets;
using System.Runtime.CompilerServices;

namespace XChat.LoadTests;

/// <summary>Two raw WebSockets through the bare relay; a frame is the payload itself.</summary>
internal sealed class RelayPair(ClientWebSocket sender, ClientWebSocket receiver) : ILoadPair
{
    private readonly SemaphoreSlim _sendLock = new(1, 1);

    // The relay acknowledges nothing, so a send is in flight until the partner has it.
    public bool WindowEndsAtReceipt => true;

    public async Task SendAsync(byte[] payload, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            await sender.SendAsync(payload, WebSocketMessageType.Binary, true, CancellationToken.None);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    public async IAsyncEnumerable<Receipt> ReceiveAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var buffer = new byte[1 << 20];
        while (true)
        {
            var count = 0;
            ValueWebSocketReceiveResult result;
            do
            {
                result = await receiver.ReceiveAsync(buffer.AsMemory(count), cancellationToken);
                count += result.Count;
            }
            while (!result.EndOfMessage && count < buffer.Length);

            if (result.MessageType == WebSocketMessageType.Close)
            {
                yield break;
            }

            var payload = buffer.AsSpan(0, count).ToArray();
            yield return new Receipt(payload, Payload.Read(payload).Index);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var socket in new[] { sender, receiver })
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
            }

            socket.Dispose();
        }
    }

    /// <summary>Connects P pairs to the relay and waits until the relay has registered every socket.</summary>
    public static async Task<IReadOnlyList<ILoadPair>> SetUpAsync(RelayServer relay, LoadOptions options, CancellationToken cancellationToken)
    {
        var pairs = new ILoadPair[options.Pairs];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.SetupParallelism, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, options.Pairs), parallel, async (i, token) =>
        {
            var a = await ConnectAsync(new Uri(relay.BaseUri, $"/relay/{i}a"), token);
            var b = await ConnectAsync(new Uri(relay.BaseUri, $"/relay/{i}b"), token);
            pairs[i] = new RelayPair(a, b);
        });

        // The server side registers a socket just after the handshake: start the clock only when all are in.
        for (var waited = 0; relay.ConnectedPeers < 2 * options.Pairs; waited++)
        {
            if (waited > 1000)
            {
                throw new TimeoutException("The relay did not register every socket within 10 s.");
            }

            await Task.Delay(10, cancellationToken);
        }

        return pairs;
    }

    private static async Task<ClientWebSocket> ConnectAsync(Uri uri, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(uri, cancellationToken);
        return socket;
    }
}
