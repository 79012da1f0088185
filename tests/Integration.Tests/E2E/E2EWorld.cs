using System.Text;
using XChat.Client.Messaging;
using XChat.Client.Transport;
using XChat.TestSupport;

namespace XChat.Integration.Tests.E2E;

/// <summary>
/// What the end-to-end tests share: a real standalone server in a temporary folder, profiles beside it,
/// a marker that every plaintext of the test contains, registration, device linking and the check that
/// no file holds the marker.
/// </summary>
public sealed class E2EWorld : IAsyncDisposable
{
    private readonly IReadOnlyDictionary<string, string?>? _settings;

    private E2EWorld(string root, StandaloneServer server, IReadOnlyDictionary<string, string?>? settings = null)
    {
        Root = root;
        Server = server;
        _settings = settings;
    }

    public string Root { get; }

    public StandaloneServer Server { get; private set; }

    /// <summary>A random string in every plaintext the test sends, looked for in storage files.</summary>
    public string Marker { get; } = $"m{Guid.NewGuid():N}";

    /// <param name="settings">Server configuration overrides, kept for <see cref="RestartServerAsync"/>.</param>
    public static async Task<E2EWorld> StartAsync(string prefix, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var root = Directory.CreateTempSubdirectory(prefix).FullName;
        return new E2EWorld(root, await StandaloneServer.StartAsync(Path.Combine(root, "server"), settings), settings);
    }

    /// <summary>Stops the server and starts it again on the same data folder and port (clients reconnect to the same URL).</summary>
    public async Task RestartServerAsync()
    {
        var port = Server.HttpPort;
        await Server.StopAsync();
        Server = await StandaloneServer.StartAsync(Path.Combine(Root, "server"), _settings, httpPort: port);
    }

    public string Text(string name) => $"{Marker}-{name}";

    public string Profile(string name) => Path.Combine(Root, name);

    public Task<XChatClient> RegisterAsync(string handle) =>
        XChatClient.RegisterAsync(Server.WebSocketUri, Profile(handle), handle, options: new XChatConnectionOptions());

    /// <summary>Links a new device of <paramref name="approver"/>'s user in profile <paramref name="profile"/>, approved by <paramref name="approver"/>.</summary>
    public async Task<XChatClient> LinkAsync(XChatClient approver, string profile)
    {
        var shown = new TaskCompletionSource<DeviceLinkCode>(TaskCreationOptions.RunContinuationsAsynchronously);
        var linking = XChatClient.LinkAsync(Server.WebSocketUri, Profile(profile), approver.Handle, code =>
        {
            shown.TrySetResult(code);
            return Task.CompletedTask;
        }, options: new XChatConnectionOptions());
        var code = await shown.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Matches("^[A-Z2-7]{8}$", code.Code);
        Assert.False(XChatClient.Exists(Profile(profile)));

        // The approving side sees the same fingerprint as the new device (typed in lower case).
        DeviceLinkCode? compared = null;
        var approved = await approver.ApproveLinkAsync(code.Code.ToLowerInvariant(), c =>
        {
            compared = c;
            return Task.FromResult(true);
        });
        Assert.Equal(code.Fingerprint, compared!.Fingerprint);
        var client = await linking.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(approved.DeviceId, client.DeviceId);
        return client;
    }

    /// <summary>Asserts that none of <paramref name="paths"/> contains <see cref="Marker"/>, and that at least one of them was read.</summary>
    public void AssertNoMarker(params string[] paths)
    {
        var marker = Encoding.UTF8.GetBytes(Marker);
        var checkedAny = false;
        foreach (var path in paths.Where(File.Exists))
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            checkedAny |= memory.Length > 0;
            Assert.True(memory.ToArray().AsSpan().IndexOf(marker) < 0, $"{path} contains a plaintext marker.");
        }

        Assert.True(checkedAny, "at least one storage file was checked");
    }

    /// <summary>The server's SQLite database and its WAL.</summary>
    public void AssertServerStorageHasNoMarker() => AssertNoMarker(Server.DatabasePath, Server.DatabasePath + "-wal");

    public async ValueTask DisposeAsync()
    {
        await Server.StopAsync();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
