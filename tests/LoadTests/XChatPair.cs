using System.Runtime.CompilerServices;
using XChat.Client.Transport;

namespace XChat.LoadTests;

/// <summary>Two registered XChat connections sharing a direct conversation.</summary>
internal sealed class XChatPair(XChatConnection sender, XChatConnection receiver, string conversationId) : ILoadPair
{
    public bool WindowEndsAtReceipt => false;

    public Task SendAsync(byte[] payload, CancellationToken cancellationToken) =>
        sender.SendAsync(conversationId, payload, clientMessageId: null, cancellationToken);

    public async IAsyncEnumerable<Receipt> ReceiveAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var envelope in receiver.Messages.WithCancellation(cancellationToken))
        {
            if (envelope.ConversationId == conversationId)
            {
                yield return new Receipt(envelope.SharedCiphertext.Memory, (long)envelope.Seq);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await sender.DisposeAsync();
        await receiver.DisposeAsync();
    }

    /// <summary>Registers P pairs of fresh users, each pair with a direct conversation, before any clock starts.</summary>
    public static async Task<IReadOnlyList<ILoadPair>> SetUpAsync(Uri server, LoadOptions options, CancellationToken cancellationToken)
    {
        // Handles are unique per run: 3..32 characters of [a-z0-9_].
        var run = Guid.NewGuid().ToString("N")[..6];
        var pairs = new ILoadPair?[options.Pairs];
        var connectionOptions = new XChatConnectionOptions { ClientName = "xchat-load/0.1" };
        try
        {
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.SetupParallelism, CancellationToken = cancellationToken };
            await Parallel.ForEachAsync(Enumerable.Range(0, options.Pairs), parallel, async (i, token) =>
            {
                var a = await RegisterAsync(server, $"lt{run}_{i}s", connectionOptions, token);
                var b = await RegisterAsync(server, $"lt{run}_{i}r", connectionOptions, token);
                var conversation = await a.CreateDirectAsync(b.UserId!, token);
                pairs[i] = new XChatPair(a, b, conversation.ConversationId);
            });
            return pairs.Select(p => p!).ToArray();
        }
        catch
        {
            foreach (var pair in pairs)
            {
                if (pair is not null)
                {
                    await pair.DisposeAsync();
                }
            }

            throw;
        }
    }

    private static async Task<XChatConnection> RegisterAsync(Uri server, string handle, XChatConnectionOptions options, CancellationToken cancellationToken)
    {
        var connection = await XChatConnection.ConnectAsync(server, DeviceIdentity.Create(), options, cancellationToken);
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
}
