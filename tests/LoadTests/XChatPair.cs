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
                yield return new Receipt(envelope.SharedCiphertext.Memory, (long)envelope.Seq, (long)envelope.ServerTimestampMs);
            }
        }
    }

    /// <summary>The conversation's last seq as the server has it: every message the pair has sent, warm-up included.</summary>
    public async Task<ulong> LastSeqAsync()
    {
        foreach (var conversation in await sender.ListConversationsAsync())
        {
            if (conversation.ConversationId == conversationId)
            {
                return conversation.LastSeq;
            }
        }

        throw new InvalidOperationException("The pair's conversation is not in its sender's list.");
    }

    public async ValueTask DisposeAsync()
    {
        await sender.DisposeAsync();
        await receiver.DisposeAsync();
    }

    /// <summary>
    /// Registers P pairs of fresh users, each pair with a direct conversation, before any clock
    /// starts. With several gateways pair i's sender uses gateway i and its receiver the next one,
    /// so every message crosses from one gateway to another.
    /// </summary>
    public static async Task<IReadOnlyList<ILoadPair>> SetUpAsync(LoadOptions options, CancellationToken cancellationToken)
    {
        var run = LoadUsers.NewRunId();
        var servers = options.Servers;
        var pairs = new ILoadPair?[options.Pairs];
        try
        {
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.SetupParallelism, CancellationToken = cancellationToken };
            await Parallel.ForEachAsync(Enumerable.Range(0, options.Pairs), parallel, async (i, token) =>
            {
                var a = await LoadUsers.RegisterAsync(servers[i % servers.Count], $"{run}_{i}s", token);
                var b = await LoadUsers.RegisterAsync(servers[(i + 1) % servers.Count], $"{run}_{i}r", token);
                var conversation = await a.CreateDirectAsync(b.UserId!, token);
                pairs[i] = new XChatPair(a, b, conversation.ConversationId);
            });
            return pairs.Select(p => p!).ToArray();
        }
        catch
        {
            await LoadUsers.DisposeAllAsync(pairs);
            throw;
        }
    }
}
