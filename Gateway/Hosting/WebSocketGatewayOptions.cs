using System.ComponentModel.DataAnnotations;

namespace XChat.Gateway.Hosting;

/// <summary>Limits of the WebSocket gateway. Bound from the configuration section "XChat:Gateway".</summary>
public sealed class WebSocketGatewayOptions
{
    public const string SectionName = "XChat:Gateway";

    /// <summary>Largest WebSocket message accepted, in bytes, however many fragments it arrives in. The default is 256 KiB.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxFrameBytes { get; set; } = 256 * 1024;

    /// <summary>Sends a device may make per second, on average (token bucket refill rate); fractions allowed. The default is 50.</summary>
    [Range(0.01, 1_000_000)]
    public double SendsPerSecond { get; set; } = 50;

    /// <summary>Sends a device may make in a burst (token bucket size). The default is 100.</summary>
    [Range(1, 1_000_000)]
    public int SendBurst { get; set; } = 100;

    /// <summary>
    /// Prekey bundles a device may fetch per second, on average (token bucket refill rate). Each fetch
    /// hands out one of another device's one-time prekeys, so this bounds how fast one device can
    /// drain them. The default is 2.
    /// </summary>
    [Range(0.01, 1_000_000)]
    public double PreKeyFetchesPerSecond { get; set; } = 2;

    /// <summary>Prekey bundles a device may fetch in a burst (token bucket size): enough to start sessions with a large group at once. The default is 300.</summary>
    [Range(1, 1_000_000)]
    public int PreKeyFetchBurst { get; set; } = 300;

    /// <summary>Connections one device may hold open on one gateway at a time. The default is 4.</summary>
    [Range(1, 1024)]
    public int MaxConnectionsPerDevice { get; set; } = 4;

    /// <summary>Time from connect until the device must be logged in. The default is 10 seconds.</summary>
    public TimeSpan LoginTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A connection that sends no complete message for this long is closed (4001). Also the time a single message may take to arrive. The default is 60 seconds.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Frames queued for one connection before it counts as not reading and is closed (4002). The default is 1,024.</summary>
    [Range(1, 1_000_000)]
    public int SendQueueFrames { get; set; } = 1024;

    /// <summary>Requests of one connection processed at the same time; more wait (back-pressure on the socket). The default is 64.</summary>
    [Range(1, 10_000)]
    public int MaxConcurrentRequestsPerConnection { get; set; } = 64;

    /// <summary>
    /// Most sends one append call to a conversation grain carries. Sends to a conversation that arrive
    /// while this gateway's previous call to it is in flight go together in the next call (group commit
    /// at the gateway's hop, see <see cref="Dispatch.SendBatcher"/>); 1 turns that off, every send then
    /// being its own call. The default is 64.
    /// </summary>
    [Range(1, 1_000)]
    public int MaxSendsPerAppendCall { get; set; } = 64;

    /// <summary>How often the gateway renews the push subscriptions of its connected devices. The default is 30 seconds.</summary>
    public TimeSpan PushRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a closing handshake may take before the socket is aborted. The default is 5 seconds.</summary>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Largest message payload, in bytes, announced to clients and checked before any grain call. The default is 64 KiB; keep it equal to XChat:Limits:MaxPayloadBytes.</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public int MaxPayloadBytes { get; set; } = 64 * 1024;
}
