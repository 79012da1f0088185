using System.Text;
using XChat.Client.Transport;
using XChat.Protocol;

namespace XChat.Integration.Tests.Support;

/// <summary>A registered user on the real client transport (<see cref="XChatConnection"/>), for end-to-end tests.</summary>
internal sealed class ChatUser : IAsyncDisposable
{
    private ChatUser(DeviceIdentity identity, XChatConnection connection)
    {
        Identity = identity;
        Connection = connection;
    }

    public DeviceIdentity Identity { get; }

    public XChatConnection Connection { get; }

    public string UserId => Identity.UserId ?? throw new InvalidOperationException("Not registered.");

    /// <summary>Fast reconnects and bounded sends, so a test that takes a server away recovers quickly and never hangs.</summary>
    public static XChatConnectionOptions TestOptions() => new()
    {
        ReconnectInitialDelay = TimeSpan.FromMilliseconds(50),
        ReconnectMaxDelay = TimeSpan.FromMilliseconds(500),
        RequestTimeout = TimeSpan.FromSeconds(15),
        SendDeadline = TimeSpan.FromSeconds(60),
    };

    public static async Task<ChatUser> RegisterAsync(Uri server, string prefix = "u", XChatConnectionOptions? options = null)
    {
        var identity = DeviceIdentity.Create();
        var connection = await XChatConnection.ConnectAsync(server, identity, options ?? TestOptions());
        await connection.RegisterAsync(NewHandle(prefix));
        return new ChatUser(identity, connection);
    }

    /// <summary>A further connection of an already registered device; it logs in on connect.</summary>
    public static async Task<ChatUser> ConnectAsync(Uri server, DeviceIdentity identity, XChatConnectionOptions? options = null) =>
        new(identity, await XChatConnection.ConnectAsync(server, identity, options ?? TestOptions()));

    public static string NewHandle(string prefix) => $"{prefix}_{Guid.NewGuid():N}"[..24];

    /// <summary>The bytes a test sends as the ciphertext of a message: derived from its id, so any mix-up shows.</summary>
    public static byte[] PayloadFor(string clientMessageId) => Encoding.UTF8.GetBytes($"opaque-ciphertext/{clientMessageId}");

    public Task<SendResult> SendAsync(string conversationId, string clientMessageId) =>
        Connection.SendAsync(conversationId, PayloadFor(clientMessageId), clientMessageId);

    /// <summary>Every message of a conversation from the start, page by page (bounded: at most 1,000 pages).</summary>
    public async Task<List<Envelope>> SyncAllAsync(string conversationId)
    {
        var all = new List<Envelope>();
        for (var page = 0; page < 1000; page++)
        {
            var result = await Connection.SyncAsync(conversationId, all.Count == 0 ? 0 : all[^1].Seq);
            all.AddRange(result.Messages);
            if (!result.HasMore)
            {
                return all;
            }
        }

        throw new InvalidOperationException("Sync did not finish within 1,000 pages.");
    }

    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}
