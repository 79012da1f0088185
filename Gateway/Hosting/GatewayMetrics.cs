using System.Diagnostics.Metrics;
using XChat.Gateway.Connections;

namespace XChat.Gateway.Hosting;

/// <summary>The WebSocket gateway's instruments in the "XChat" meter, exported on /metrics (see README, "Operating").</summary>
/// <remarks>
/// Instrument names use dots; the Prometheus exporter turns them into underscores, adds the unit
/// ("_seconds") and "_total" to counters, e.g. <c>xchat_push_deliveries_total</c>.
/// </remarks>
public sealed class GatewayMetrics
{
    /// <summary>The meter of XChat's own instruments, gateway and grain side alike.</summary>
    public const string MeterName = "XChat";

    private readonly Counter<long> _pushDeliveries;
    private readonly Histogram<double> _pushLatency;
    private readonly Counter<long> _syncRequests;
    private readonly Counter<long> _logins;
    private readonly Counter<long> _loginFailures;
    private readonly Counter<long> _rateLimited;
    private readonly Histogram<int> _appendCallSends;
    private readonly TimeProvider _time;

    public GatewayMetrics(IMeterFactory meterFactory, ConnectionRegistry registry, TimeProvider time)
    {
        _time = time;
        var meter = meterFactory.Create(MeterName);
        _pushDeliveries = meter.CreateCounter<long>("xchat.push.deliveries", description: "Messages pushed to connected devices (one per connection).");
        _pushLatency = meter.CreateHistogram<double>("xchat.push.latency", unit: "s",
            description: "Time from a message's server timestamp (its commit) to its push being queued on a connection.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] });
        _syncRequests = meter.CreateCounter<long>("xchat.sync.requests", description: "Sync requests (a page of messages after a cursor).");
        _logins = meter.CreateCounter<long>("xchat.logins", description: "Successful logins and registrations.");
        _loginFailures = meter.CreateCounter<long>("xchat.login.failures", description: "Logins and registrations refused for a bad signature or an unknown device.");
        _rateLimited = meter.CreateCounter<long>("xchat.rate_limited.requests", description: "Requests refused by a per-device rate limit (sends and prekey fetches).");
        _appendCallSends = meter.CreateHistogram<int>("xchat.append.call_sends", unit: "{send}",
            description: "Sends carried by one append call from this gateway to a conversation grain.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1000] });
        meter.CreateObservableGauge("xchat.websocket.connections", () => registry.Count, description: "Logged-in WebSocket connections on this process.");
    }

    /// <summary>A message was queued on <paramref name="connections"/> connections of one device.</summary>
    public void PushDelivered(long serverTimestampMs, int connections)
    {
        _pushDeliveries.Add(connections);
        var latency = (_time.GetUtcNow().ToUnixTimeMilliseconds() - serverTimestampMs) / 1000.0;
        _pushLatency.Record(Math.Max(latency, 0));
    }

    public void SyncRequested() => _syncRequests.Add(1);

    public void LoggedIn() => _logins.Add(1);

    public void LoginFailed() => _loginFailures.Add(1);

    public void RateLimited() => _rateLimited.Add(1);

    /// <summary>One append call to a conversation grain carried <paramref name="sends"/> sends.</summary>
    public void AppendCall(int sends) => _appendCallSends.Record(sends);
}
