using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using XChat.Gateway.Connections;
using XChat.Gateway.Dispatch;

namespace XChat.Gateway.Hosting;

/// <summary>Registers and maps the WebSocket gateway, in the silo process (standalone) or in a gateway process (cluster).</summary>
public static class WebSocketGatewayExtensions
{
    public static IServiceCollection AddWebSocketGateway(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WebSocketGatewayOptions>()
            .Bind(configuration.GetSection(WebSocketGatewayOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(o => o.LoginTimeout > TimeSpan.Zero && o.IdleTimeout > TimeSpan.Zero && o.CloseTimeout > TimeSpan.Zero && o.PushRefreshInterval > TimeSpan.Zero,
                "Timeouts and intervals must be positive.")
            .Validate(o => o.MaxPayloadBytes < o.MaxFrameBytes, "MaxPayloadBytes must be smaller than MaxFrameBytes (a frame carries a payload plus its envelope).")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ConnectionRegistry>();
        services.AddSingleton<GatewayMetrics>();
        services.AddSingleton<PushRouter>();
        services.AddSingleton<PushSubscriptions>();
        services.AddHostedService(sp => sp.GetRequiredService<PushSubscriptions>());
        services.AddSingleton<ConnectionTimeouts>();
        services.AddHostedService(sp => sp.GetRequiredService<ConnectionTimeouts>());
        services.AddSingleton<GrainReferences>();
        services.AddSingleton<SendBatcher>();
        services.AddSingleton<RequestDispatcher>();
        services.AddSingleton<ConnectionServices>();
        return services;
    }

    /// <summary>Maps the WebSocket endpoint (default "/ws"). Call after <c>UseWebSockets()</c>.</summary>
    public static IEndpointConventionBuilder MapWebSocketGateway(this IEndpointRouteBuilder endpoints, string pattern = "/ws") =>
        endpoints.Map(pattern, async context =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = StatusCodes.Status426UpgradeRequired;
                return;
            }

            var services = context.RequestServices;
            var options = services.GetRequiredService<IOptions<WebSocketGatewayOptions>>().Value;
            using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { DangerousEnableCompression = false });
            var connection = new GatewayConnection(socket, options, services.GetRequiredService<ConnectionServices>(),
                services.GetRequiredService<ILoggerFactory>().CreateLogger<GatewayConnection>());
            // On shutdown say "going away" (1001) so clients reconnect elsewhere at once; without it a
            // graceful stop waited out the host's shutdown timeout (30 s) while still serving the sockets.
            using var stopping = services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(
                () => connection.Close(CloseCodes.GoingAway, "server shutting down", flush: true));
            await connection.RunAsync(context.RequestAborted);
        });
}
