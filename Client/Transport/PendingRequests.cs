using System.Collections.Concurrent;
using XChat.Protocol;

namespace XChat.Client.Transport;

/// <summary>The requests of one socket that await their answer, correlated by request id.</summary>
internal sealed class PendingRequests
{
    private readonly ConcurrentDictionary<ulong, Entry> _pending = new();
    // Second answers of requests the server answers twice (link_device: link_code, then link_result).
    private readonly ConcurrentDictionary<ulong, TaskCompletionSource<ServerFrame>> _followUps = new();
    private Exception? _failure;

    public int Count => _pending.Count;

    /// <summary>Registers a request before it is sent, so an answer that comes back at once is not missed.</summary>
    /// <param name="timeout">When the answer is overdue: <see cref="ExpireOverdue"/> then fails it with a TimeoutException.</param>
    public Task<ServerFrame> Register(ulong requestId, TimeSpan timeout = default)
    {
        // Continuations run off the receive loop, so a slow caller cannot stall every other answer.
        var completion = new TaskCompletionSource<ServerFrame>(TaskCreationOptions.RunContinuationsAsynchronously);
        var deadline = timeout > TimeSpan.Zero ? Environment.TickCount64 + (long)timeout.TotalMilliseconds : long.MaxValue;
        _pending[requestId] = new Entry(completion, deadline);

        // FailAll may have run between the caller's check and the insert: fail late registrations too.
        if (Volatile.Read(ref _failure) is { } failure && _pending.TryRemove(requestId, out _))
        {
            completion.TrySetException(failure);
        }

        return completion.Task;
    }

    public void Remove(ulong requestId)
    {
        _pending.TryRemove(requestId, out _);
        _followUps.TryRemove(requestId, out _);
    }

    /// <summary>
    /// Registers the wait for a second answer to the same request id (before the request is sent),
    /// with no deadline of its own: the caller bounds the wait.
    /// </summary>
    public Task<ServerFrame> RegisterFollowUp(ulong requestId)
    {
        var completion = new TaskCompletionSource<ServerFrame>(TaskCreationOptions.RunContinuationsAsynchronously);
        _followUps[requestId] = completion;
        if (Volatile.Read(ref _failure) is { } failure && _followUps.TryRemove(requestId, out _))
        {
            completion.TrySetException(failure);
        }

        return completion.Task;
    }

    /// <summary>Completes the request this frame answers; false when no one waits for it (timed out, or unknown id).</summary>
    public bool Complete(ServerFrame frame)
    {
        if (_pending.TryRemove(frame.RequestId, out var entry))
        {
            return entry.Completion.TrySetResult(frame);
        }

        return _followUps.TryRemove(frame.RequestId, out var followUp) && followUp.TrySetResult(frame);
    }

    /// <summary>
    /// Fails the requests whose deadline passed. One sweep per connection replaces a timer per
    /// request, which costs more than the request itself at thousands of requests a second.
    /// </summary>
    public void ExpireOverdue()
    {
        var now = Environment.TickCount64;
        foreach (var (requestId, entry) in _pending)
        {
            if (entry.Deadline <= now && _pending.TryRemove(requestId, out _))
            {
                entry.Completion.TrySetException(new TimeoutException("No answer in time."));
            }
        }
    }

    /// <summary>Fails every waiting request, and every later registration, with the exception.</summary>
    public void FailAll(Exception failure)
    {
        Volatile.Write(ref _failure, failure);
        foreach (var requestId in _pending.Keys)
        {
            if (_pending.TryRemove(requestId, out var entry))
            {
                entry.Completion.TrySetException(failure);
            }
        }

        foreach (var requestId in _followUps.Keys)
        {
            if (_followUps.TryRemove(requestId, out var followUp))
            {
                followUp.TrySetException(failure);
            }
        }
    }

    private readonly record struct Entry(TaskCompletionSource<ServerFrame> Completion, long Deadline);
}
