using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using XChat.Gateway.Auth;
using XChat.Gateway.Hosting;
using XChat.Grains.Conversations;

namespace XChat.Gateway.Connections;

/// <summary>The logged-in connections of this gateway process, by device, with each device's send rate limiter.</summary>
public sealed class ConnectionRegistry(IOptions<WebSocketGatewayOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<DeviceAddress, DeviceEntry> _devices = new();
    private readonly WebSocketGatewayOptions _options = options.Value;
    private int _count;

    /// <summary>Logged-in connections right now.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Adds a connection; false when the device already has the maximum open here.</summary>
    /// <param name="firstForDevice">True when no other connection of the device was registered (subscribe for pushes).</param>
    public bool TryAdd(DeviceAddress device, GatewayConnection connection, out bool firstForDevice)
    {
        var entry = EntryOf(device);
        lock (entry)
        {
            if (entry.Connections.Count >= _options.MaxConnectionsPerDevice)
            {
                firstForDevice = false;
                return false;
            }

            firstForDevice = entry.Connections.Count == 0;
            entry.Connections.Add(connection);
        }

        Interlocked.Increment(ref _count);
        return true;
    }

    /// <summary>Removes a connection; returns true when it was the device's last one here.</summary>
    public bool Remove(DeviceAddress device, GatewayConnection connection)
    {
        if (!_devices.TryGetValue(device, out var entry))
        {
            return false;
        }

        lock (entry)
        {
            if (!entry.Connections.Remove(connection))
            {
                return false;
            }

            Interlocked.Decrement(ref _count);
            // The entry (and its rate limiter) stays while empty: a reconnect must not refill the bucket.
            return entry.Connections.Count == 0;
        }
    }

    /// <summary>The device's send limiter (<see cref="WebSocketGatewayOptions.SendsPerSecond"/>).</summary>
    public TokenBucket RateLimiter(DeviceAddress device) => EntryOf(device).Limiter;

    /// <summary>The device's prekey-fetch limiter (<see cref="WebSocketGatewayOptions.PreKeyFetchesPerSecond"/>).</summary>
    public TokenBucket PreKeyFetchLimiter(DeviceAddress device) => EntryOf(device).PreKeyFetches;

    // Called on every send: the lookup allocates nothing once the entry exists.
    private DeviceEntry EntryOf(DeviceAddress device) =>
        _devices.TryGetValue(device, out var entry) ? entry : _devices.GetOrAdd(device, static (_, self) => self.NewEntry(), this);

    private DeviceEntry NewEntry() => new(
        new TokenBucket(_options.SendsPerSecond, _options.SendBurst, time),
        new TokenBucket(_options.PreKeyFetchesPerSecond, _options.PreKeyFetchBurst, time));

    /// <summary>The open connections of a device (a snapshot).</summary>
    public GatewayConnection[] ConnectionsOf(DeviceAddress device)
    {
        if (!_devices.TryGetValue(device, out var entry))
        {
            return [];
        }

        lock (entry)
        {
            return entry.Connections.ToArray();
        }
    }

    /// <summary>Devices with at least one open connection (a snapshot).</summary>
    public IReadOnlyList<DeviceAddress> OnlineDevices() =>
        _devices.Where(d => { lock (d.Value) { return d.Value.Connections.Count > 0; } }).Select(d => d.Key).ToArray();

    /// <summary>Every open connection (a snapshot), for shutdown.</summary>
    public IReadOnlyList<GatewayConnection> All() =>
        _devices.Values.SelectMany(e => { lock (e) { return e.Connections.ToArray(); } }).ToArray();

    private sealed class DeviceEntry(TokenBucket limiter, TokenBucket preKeyFetches)
    {
        public List<GatewayConnection> Connections { get; } = [];
        public TokenBucket Limiter { get; } = limiter;
        public TokenBucket PreKeyFetches { get; } = preKeyFetches;
    }
}
