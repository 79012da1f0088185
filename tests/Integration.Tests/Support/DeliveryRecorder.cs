using XChat.Client.Transport;
using XChat.Protocol;

namespace XChat.Integration.Tests.Support;

/// <summary>Reads a connection's <see cref="XChatConnection.Messages"/> in the background and keeps every envelope in delivery order.</summary>
internal sealed class DeliveryRecorder : IAsyncDisposable
{
    private readonly List<Envelope> _delivered = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public DeliveryRecorder(XChatConnection connection) => _loop = Task.Run(() => ReadAsync(connection));

    /// <summary>The error that ended the feed, if it ended with one.</summary>
    public Exception? Error { get; private set; }

    public IReadOnlyList<Envelope> Delivered
    {
        get
        {
            lock (_delivered)
            {
                return _delivered.ToArray();
            }
        }
    }

    public IReadOnlyList<Envelope> DeliveredIn(string conversationId) =>
        Delivered.Where(e => e.ConversationId == conversationId).ToArray();

    /// <summary>Waits (bounded) until <paramref name="count"/> messages of the conversation were delivered; false on timeout.</summary>
    public async Task<bool> WaitForAsync(string conversationId, int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (DeliveredIn(conversationId).Count >= count)
            {
                return true;
            }

            await Task.Delay(50);
        }

        return DeliveredIn(conversationId).Count >= count;
    }

    private async Task ReadAsync(XChatConnection connection)
    {
        try
        {
            await foreach (var envelope in connection.Messages.WithCancellation(_stop.Token))
            {
                lock (_delivered)
                {
                    _delivered.Add(envelope);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped by the test.
        }
        catch (Exception e)
        {
            Error = e;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _loop;
        _stop.Dispose();
    }
}
