using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using XChat.Gateway.Hosting;
using XChat.Grains.Conversations;
using XChat.Grains.Errors;

namespace XChat.Gateway.Dispatch;

/// <summary>
/// Group commit at the gateway's hop: per conversation, at most one append call from this gateway is
/// in flight, and the sends that arrive meanwhile (from any of its connections) go together in the
/// next call (<see cref="IConversationGrain.AppendManyAsync"/>).
/// </summary>
/// <remarks>
/// A grain call costs about as much CPU as everything else a send needs on the server, and the
/// conversation grain commits queued sends together anyway: sends that wait here would otherwise
/// wait in the grain's queue for the commit in progress. So the wait moves, and the calls become
/// fewer. A lone send still goes at once, in its own <see cref="IConversationGrain.AppendAsync"/>.
/// Every send keeps its own outcome; a call that fails as a whole (a silo lost, a timeout) fails
/// each of its sends with that error, and clients retry them under the same client message ids.
/// </remarks>
public sealed class SendBatcher(GrainReferences references, IOptions<WebSocketGatewayOptions> options, GatewayMetrics metrics)
{
    private readonly int _maxSendsPerCall = options.Value.MaxSendsPerAppendCall;
    private readonly ConcurrentDictionary<string, Lane> _lanes = new(StringComparer.Ordinal);

    public Task<AppendResult> AppendAsync(string conversationId, AppendRequest request)
    {
        if (_maxSendsPerCall <= 1)
        {
            return references.Conversation(conversationId).AppendAsync(request);
        }

        var send = new QueuedSend(request);
        while (true)
        {
            var lane = _lanes.GetOrAdd(conversationId, static id => new Lane(id));
            bool start;
            lock (lane)
            {
                if (lane.Retired)
                {
                    continue; // it emptied and left the map between GetOrAdd and here: take the next one
                }

                lane.Queue.Enqueue(send);
                start = !lane.Running;
                lane.Running = true;
            }

            if (start)
            {
                _ = RunAsync(lane);
            }

            return send.Completion.Task;
        }
    }

    private async Task RunAsync(Lane lane)
    {
        var grain = references.Conversation(lane.ConversationId);
        while (true)
        {
            QueuedSend[] batch;
            lock (lane)
            {
                if (lane.Queue.Count == 0)
                {
                    lane.Running = false;
                    lane.Retired = true;
                    _lanes.TryRemove(new KeyValuePair<string, Lane>(lane.ConversationId, lane));
                    return;
                }

                batch = new QueuedSend[Math.Min(lane.Queue.Count, _maxSendsPerCall)];
                for (var i = 0; i < batch.Length; i++)
                {
                    batch[i] = lane.Queue.Dequeue();
                }
            }

            metrics.AppendCall(batch.Length);
            await CallAsync(grain, batch);
        }
    }

    private static async Task CallAsync(IConversationGrain grain, QueuedSend[] batch)
    {
        try
        {
            if (batch.Length == 1)
            {
                batch[0].Completion.TrySetResult(await grain.AppendAsync(batch[0].Request));
                return;
            }

            var outcomes = await grain.AppendManyAsync(Array.ConvertAll(batch, s => s.Request));
            for (var i = 0; i < batch.Length; i++)
            {
                if (outcomes[i].Result is { } result)
                {
                    batch[i].Completion.TrySetResult(result);
                }
                else
                {
                    batch[i].Completion.TrySetException(outcomes[i].Error ?? (Exception)new StorageUnavailableException("The message could not be stored; retry."));
                }
            }
        }
        catch (Exception exception)
        {
            foreach (var send in batch)
            {
                send.Completion.TrySetException(exception);
            }
        }
    }

    private sealed class Lane(string conversationId)
    {
        public string ConversationId { get; } = conversationId;

        public Queue<QueuedSend> Queue { get; } = new();

        public bool Running { get; set; }

        public bool Retired { get; set; }
    }

    private sealed class QueuedSend(AppendRequest request)
    {
        public AppendRequest Request { get; } = request;

        // Completed by the lane's loop; continuations run elsewhere so one connection's answer never
        // holds up the next call.
        public TaskCompletionSource<AppendResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
