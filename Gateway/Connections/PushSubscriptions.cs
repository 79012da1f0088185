using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using XChat.Gateway.Hosting;
using XChat.Grains.Connections;
using XChat.Grains.Conversations;
using XChat.Grains.Users;
using XChat.Protocol;
using Google.Protobuf;

namespace XChat.Gateway.Connections;

/// <summary>
/// Keeps the user grains told which devices are connected here. Subscriptions expire in the
/// grains, so this renews them on a timer; that also restores them after a silo failure moved a
/// user grain (until then, devices still get every message by syncing).
/// </summary>
public sealed partial class PushSubscriptions(
    IGrainFactory grains,
    PushRouter router,
    ConnectionRegistry registry,
    IOptions<WebSocketGatewayOptions> options,
    ILogger<PushSubscriptions> logger) : BackgroundService
{
    private readonly SemaphoreSlim _refreshRequested = new(0);
    private IPushObserver? _observer;

    private IPushObserver Observer => _observer ??= grains.CreateObjectReference<IPushObserver>(router);

    public Task<bool> SubscribeAsync(DeviceAddress device) =>
        grains.GetGrain<IUserGrain>(device.UserId).SubscribeAsync(device.DeviceId, Observer);

    private static readonly byte[] ResyncFrame = new ServerFrame { Resync = new ResyncHint() }.ToByteArray();

    /// <summary>Renews a device's subscription; when the grain had lost it, tells the device's connections to sync.</summary>
    private async Task RenewAsync(DeviceAddress device)
    {
        if (await SubscribeAsync(device))
        {
            foreach (var connection in registry.ConnectionsOf(device))
            {
                connection.Enqueue(ResyncFrame);
            }
        }
    }

    public async Task UnsubscribeAsync(DeviceAddress device)
    {
        try
        {
            await grains.GetGrain<IUserGrain>(device.UserId).UnsubscribeAsync(device.DeviceId, Observer);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The subscription expires by itself; nothing else to do.
            LogUnsubscribeFailed(logger, exception.GetType().Name);
        }
    }

    /// <summary>
    /// Renews every subscription soon, and again a little later: after a silo left the cluster,
    /// the user grains it held come back elsewhere without their subscriptions, and the second
    /// round catches those whose new activation was not reachable yet in the first.
    /// </summary>
    public void RefreshSoon()
    {
        _refreshRequested.Release();
        _ = Task.Delay(TimeSpan.FromSeconds(3)).ContinueWith(_ => _refreshRequested.Release(), TaskScheduler.Default);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.PushRefreshInterval;
        while (true)
        {
            await _refreshRequested.WaitAsync(interval, stoppingToken); // a timeout is the regular renewal
            while (_refreshRequested.CurrentCount > 0)
            {
                await _refreshRequested.WaitAsync(stoppingToken); // fold requests that piled up into this round
            }

            var devices = registry.OnlineDevices();
            var failures = 0;
            foreach (var chunk in devices.Chunk(256))
            {
                var results = await Task.WhenAll(chunk.Select(async d =>
                {
                    try
                    {
                        await RenewAsync(d);
                        return true;
                    }
                    catch (Exception exception) when (exception is not OperationCanceledException)
                    {
                        return false;
                    }
                }));
                failures += results.Count(ok => !ok);
            }

            if (failures > 0)
            {
                LogRefreshFailures(logger, failures, devices.Count);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Push unsubscribe failed ({ExceptionType}); it will expire")]
    private static partial void LogUnsubscribeFailed(ILogger logger, string exceptionType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing push subscriptions failed for {Failures} of {Devices} devices")]
    private static partial void LogRefreshFailures(ILogger logger, int failures, int devices);
}
