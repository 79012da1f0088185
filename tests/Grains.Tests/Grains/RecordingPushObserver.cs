using System.Threading.Channels;
using XChat.Grains.Connections;

namespace XChat.Grains.Tests.Grains;

/// <summary>A push observer standing in for a WebSocket gateway: records every push it gets.</summary>
internal sealed class RecordingPushObserver : IPushObserver
{
    private readonly Channel<ReceivedPush> _received = Channel.CreateUnbounded<ReceivedPush>();

    public Task OnMessagesAsync(string userId, IReadOnlyList<uint> deviceIds, IReadOnlyList<PushedMessage> messages)
    {
        // One record per message, in the order the batch carries them (ascending seq).
        foreach (var message in messages)
        {
            _received.Writer.TryWrite(new ReceivedPush(userId, deviceIds, message));
        }

        return Task.CompletedTask;
    }

    /// <summary>Typing indicators received, in arrival order.</summary>
    public Channel<(string UserId, IReadOnlyList<uint> DeviceIds, XChat.Grains.Live.TypingEvent Typing)> Typing { get; } =
        Channel.CreateUnbounded<(string, IReadOnlyList<uint>, XChat.Grains.Live.TypingEvent)>();

    public Task OnTypingAsync(string userId, IReadOnlyList<uint> deviceIds, XChat.Grains.Live.TypingEvent typing)
    {
        Typing.Writer.TryWrite((userId, deviceIds, typing));
        return Task.CompletedTask;
    }

    /// <summary>The next push, or a failure when none arrives in time (push is one-way, so tests wait for it).</summary>
    public async Task<ReceivedPush> NextAsync(TimeSpan? timeout = null)
    {
        using var cancellation = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        try
        {
            return await _received.Reader.ReadAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("No push arrived in time.");
        }
    }

    /// <summary>True when a push has arrived that was not yet taken with <see cref="NextAsync"/>.</summary>
    public bool HasPending => _received.Reader.TryPeek(out _);
}

internal sealed record ReceivedPush(string UserId, IReadOnlyList<uint> DeviceIds, PushedMessage Message);
