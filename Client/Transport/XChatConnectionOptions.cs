using System.Net.WebSockets;

namespace XChat.Client.Transport;

/// <summary>Settings of an <see cref="XChatConnection"/>; the defaults suit the server's defaults (PROTOCOL.md §8).</summary>
public sealed class XChatConnectionOptions
{
    /// <summary>Client name and version sent in Hello, for the server's diagnostics. The default is "xchat-client/0.1".</summary>
    public string ClientName { get; set; } = "xchat-client/0.1";

    /// <summary>How often a Ping is sent so the server's idle timeout (60 s) never fires. The default is 15 seconds.</summary>
    public TimeSpan PingInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a request waits for its answer before failing with <see cref="TimeoutException"/>; a Ping that times out also drops the socket. The default is 30 seconds.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long to open the WebSocket and complete Hello and login. The default is 10 seconds (the server's login timeout).</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Whether to reconnect, log in again and resume after the socket drops. The default is true.</summary>
    public bool AutoReconnect { get; set; } = true;

    /// <summary>The first reconnect delay; it doubles per failed attempt, with jitter. The default is 100 milliseconds.</summary>
    public TimeSpan ReconnectInitialDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The largest reconnect delay. The default is 5 seconds.</summary>
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long <see cref="XChatConnection.SendAsync(XChat.Protocol.SendRequest, CancellationToken)"/> keeps retrying (across reconnects, UNAVAILABLE and RATE_LIMITED) before it gives up. The default is 2 minutes.</summary>
    public TimeSpan SendDeadline { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long a delivery receipt (XChatClient, a silent message per sync round) may wait for the
    /// server, rate limits and reconnects included, before it is dropped. Much shorter than
    /// <see cref="SendDeadline"/>: a sync that owes a receipt must not stall on it, and a later read
    /// receipt or the next round's receipt (cumulative) covers the same messages. The default is 5 seconds.
    /// </summary>
    public TimeSpan ReceiptDeadline { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long Dispose waits for the close handshake and the last acks before aborting the socket. The default is 2 seconds.</summary>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long delivered messages collect before their acks are sent (one per conversation), so
    /// a burst costs one ack, not one per message. A crash inside the delay only means those
    /// messages are synced again and dropped as repeats. The default is 100 milliseconds.
    /// </summary>
    public TimeSpan AckDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The largest server frame accepted; a larger one drops the connection. The default is 16 MiB.</summary>
    public int MaxReceiveFrameBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Messages per Sync page when resuming; 0 lets the server choose its page size. The default is 0.</summary>
    public uint SyncPageSize { get; set; }

    /// <summary>How many conversations are synced at once while resuming. The default is 4.</summary>
    public int ResumeParallelism { get; set; } = 4;

    /// <summary>
    /// The application's own delivery cursors (conversation id to highest seq it has processed). A
    /// conversation not listed starts from the server's cursor. The default is none.
    /// </summary>
    public IReadOnlyDictionary<string, ulong>? LocalCursors { get; set; }

    /// <summary>Extra WebSocket settings (headers, proxy). The default is none.</summary>
    public Action<ClientWebSocketOptions>? ConfigureWebSocket { get; set; }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(PingInterval, TimeSpan.Zero, nameof(PingInterval));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RequestTimeout, TimeSpan.Zero, nameof(RequestTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ConnectTimeout, TimeSpan.Zero, nameof(ConnectTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ReconnectInitialDelay, TimeSpan.Zero, nameof(ReconnectInitialDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(ReconnectMaxDelay, ReconnectInitialDelay, nameof(ReconnectMaxDelay));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(SendDeadline, TimeSpan.Zero, nameof(SendDeadline));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ReceiptDeadline, TimeSpan.Zero, nameof(ReceiptDeadline));
        ArgumentOutOfRangeException.ThrowIfLessThan(AckDelay, TimeSpan.Zero, nameof(AckDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxReceiveFrameBytes, 1024, nameof(MaxReceiveFrameBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(ResumeParallelism, 1, nameof(ResumeParallelism));
    }
}
