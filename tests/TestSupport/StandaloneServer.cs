using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using XChat.Silo.Hosting;

namespace XChat.TestSupport;

/// <summary>
/// The standalone server (silo + WebSocket gateway + SQLite), built exactly as Silo/Program.cs
/// builds it, on real Kestrel with free loopback ports and its own data folder.
/// </summary>
public sealed class StandaloneServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly bool _ownsDataDir;
    private bool _stopped;

    private StandaloneServer(WebApplication app, string dataDir, bool ownsDataDir, Uri webSocketUri)
    {
        _app = app;
        DataDir = dataDir;
        _ownsDataDir = ownsDataDir;
        WebSocketUri = webSocketUri;
    }

    public string DataDir { get; }

    public Uri WebSocketUri { get; }

    /// <summary>The loopback HTTP port the server listens on.</summary>
    public int HttpPort => WebSocketUri.Port;

    public IServiceProvider Services => _app.Services;

    public string DatabasePath => Path.Combine(DataDir, SiloHostingExtensions.StandaloneDatabaseFile);

    /// <param name="dataDir">An existing data folder to reuse (restart), or null for a new temporary one.</param>
    /// <param name="settings">Configuration overrides, e.g. "XChat:Gateway:SendsPerSecond".</param>
    /// <param name="httpPort">The loopback HTTP port to listen on, e.g. the previous server's <see cref="HttpPort"/> so clients reconnect to the same URL; null for a free one.</param>
    public static async Task<StandaloneServer> StartAsync(string? dataDir = null, IReadOnlyDictionary<string, string?>? settings = null, int? httpPort = null)
    {
        var ownsDataDir = dataDir is null;
        dataDir ??= Directory.CreateTempSubdirectory("xchat-test-").FullName;
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        var config = new Dictionary<string, string?>
        {
            ["XChat:Mode"] = "Standalone",
            ["XChat:DataDir"] = dataDir,
            ["XChat:Cluster:SiloPort"] = FreePorts.Next().ToString(),
            ["XChat:Cluster:GatewayPort"] = FreePorts.Next().ToString(),
            ["XChat:Cluster:ClusterId"] = $"test-{Guid.NewGuid():N}",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(config);
        builder.WebHost.UseUrls($"http://127.0.0.1:{httpPort ?? 0}");
        builder.Logging.ClearProviders();
        builder.AddXChatSilo();
        var app = builder.Build();
        app.MapXChatSilo();
        await app.StartAsync();

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(address).Port;
        return new StandaloneServer(app, dataDir, ownsDataDir, new Uri($"ws://127.0.0.1:{port}/ws"));
    }

    /// <summary>Stops the server; the data folder stays (for a restart) unless <paramref name="deleteData"/>.</summary>
    public async Task StopAsync(bool deleteData = false)
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (deleteData)
        {
            TryDelete(DataDir);
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync(deleteData: _ownsDataDir);

    private static void TryDelete(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }
}
