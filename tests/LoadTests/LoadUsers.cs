using XChat.Client.Transport;

namespace XChat.LoadTests;

/// <summary>Fresh users for a run: unique handles, registered connections, and cleanup of partial setups.</summary>
internal static class LoadUsers
{
    public static readonly XChatConnectionOptions ConnectionOptions = new() { ClientName = "xchat-load/0.1" };

    /// <summary>A prefix unique to this run: handles are 3..32 characters of [a-z0-9_].</summary>
    public static string NewRunId() => "lt" + Guid.NewGuid().ToString("N")[..6];

    /// <summary>Connects a new device identity and registers it as a new user under <paramref name="handle"/>.</summary>
    public static async Task<XChatConnection> RegisterAsync(Uri server, string handle, CancellationToken cancellationToken, DeviceIdentity? identity = null)
    {
        var connection = await XChatConnection.ConnectAsync(server, identity ?? DeviceIdentity.Create(), ConnectionOptions, cancellationToken);
        try
        {
            await connection.RegisterAsync(handle, cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Disposes every non-null item, one after another (a close each, bounded by the connection's CloseTimeout).</summary>
    public static async Task DisposeAllAsync(IEnumerable<IAsyncDisposable?> items)
    {
        foreach (var item in items)
        {
            if (item is not null)
            {
                await item.DisposeAsync();
            }
        }
    }
}
