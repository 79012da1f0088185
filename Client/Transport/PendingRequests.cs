using System.Collections.Concurrent;
using XChat.Protocol;

namespace XChat.Client.Transport;

/// <summary>The requests of one socket that await their answer, correlated by request id.</summary>
internal sealed class PendingRequests
{
    private readonly ConcurrentDictionary<ulong, TaskCompletionSource<ServerFrame>> _pending = new();
    private Exception? _failure;

    public int Count => _pending.Count;

    /// <summary>Registers a request before it is sent, so an answer that comes back at once is not missed.</summary>
    public Task<ServerFrame> Register(ulong requestId)
    {
        // Continuations run off the receive loop, so a slow caller cannot stall every other answer.
        var completion = new TaskCompletionSource<ServerFrame>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[requestId] = completion;

        // FailAll may have run between the caller's check and the insert: fail late registrations too.
        if (Volatile.Read(ref _failure) is { } failure && _pending.TryRemove(requestId, out _))
        {
            completion.TrySetException(failure);
        }

        return completion.Task;
    }

    public void Remove(ulong requestId) => _pending.TryRemove(requestId, out _);

    /// <summary>Completes the request this frame answers; false when no one waits for it (timed out, or unknown id).</summary>
    public bool Complete(ServerFrame frame) =>
        _pending.TryRemove(frame.RequestId, out var completion) && completion.TrySetResult(frame);

    /// <summary>Fails every waiting request, and every later registration, with the exception.</summary>
    public void FailAll(Exception failure)
    {
        Volatile.Write(ref _failure, failure);
        foreach (var requestId in _pending.Keys)
        {
            if (_pending.TryRemove(requestId, out var completion))
            {
                completion.TrySetException(failure);
            }
        }
    }
}
