using Microsoft.Extensions.Hosting;

namespace XChat.Gateway.Connections;

/// <summary>
/// On shutdown, closes every connection with 1001 "going away" (after what is already queued for
/// it), so clients reconnect elsewhere and resume from their cursors. It acts on
/// ApplicationStopping, before any hosted service stops: Kestrel then only waits for these
/// close handshakes (each bounded by the close timeout) instead of aborting the sockets.
/// </summary>
public sealed class GatewayShutdown(ConnectionRegistry registry, IHostApplicationLifetime lifetime) : IHostedService
{
    private CancellationTokenRegistration _registration;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _registration = lifetime.ApplicationStopping.Register(CloseAll);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        CloseAll(); // also when the host is stopped without ApplicationStopping (e.g. StopAsync on the host itself)
        _registration.Dispose();
        return Task.CompletedTask;
    }

    private void CloseAll()
    {
        foreach (var connection in registry.All())
        {
            connection.Close(CloseCodes.GoingAway, "server shutting down", flush: true);
        }
    }
}
