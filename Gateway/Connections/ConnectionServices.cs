using XChat.Gateway.Dispatch;
using XChat.Gateway.Hosting;

namespace XChat.Gateway.Connections;

/// <summary>The shared services every connection uses, bundled so a connection's constructor stays short.</summary>
public sealed class ConnectionServices(
    IGrainFactory grains,
    ConnectionRegistry registry,
    PushSubscriptions pushSubscriptions,
    RequestDispatcher dispatcher,
    ConnectionTimeouts timeouts,
    TimeProvider time,
    GatewayMetrics metrics)
{
    public IGrainFactory Grains { get; } = grains;
    public ConnectionRegistry Registry { get; } = registry;
    public PushSubscriptions PushSubscriptions { get; } = pushSubscriptions;
    public RequestDispatcher Dispatcher { get; } = dispatcher;
    public ConnectionTimeouts Timeouts { get; } = timeouts;
    public TimeProvider Time { get; } = time;
    public GatewayMetrics Metrics { get; } = metrics;
}
