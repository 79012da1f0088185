using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;

namespace XChat.Gateway.Connections;

/// <summary>
/// One timer for every connection's read deadline (login timeout, idle timeout, a message that
/// never finishes). Each connection publishes when its current read must end; this sweeps them
/// a few times a second and cancels the late ones. A timer per read allocated and finalized a
/// timer per frame, which under load took a quarter of the gateway's CPU.
/// </summary>
public sealed class ConnectionTimeouts(TimeProvider time) : BackgroundService
{
    /// <summary>How often deadlines are checked: the timeouts are this much coarse.</summary>
    public static readonly TimeSpan Resolution = TimeSpan.FromMilliseconds(100);

    private readonly ConcurrentDictionary<ReadDeadline, byte> _deadlines = new();

    public ReadDeadline Register()
    {
        var deadline = new ReadDeadline(time, this);
        _deadlines.TryAdd(deadline, 0);
        return deadline;
    }

    internal void Unregister(ReadDeadline deadline) => _deadlines.TryRemove(deadline, out _);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Resolution, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var now = time.GetTimestamp();
            foreach (var deadline in _deadlines.Keys)
            {
                deadline.CancelIfDue(now);
            }
        }
    }
}

/// <summary>A connection's read deadline: <see cref="Token"/> is cancelled once the time set by <see cref="Start"/> has passed.</summary>
public sealed class ReadDeadline(TimeProvider time, ConnectionTimeouts owner) : IDisposable
{
    private readonly CancellationTokenSource _expired = new();
    private long _dueTimestamp = long.MaxValue;

    /// <summary>Cancelled when a read ran past its deadline; it stays cancelled (the connection then closes).</summary>
    public CancellationToken Token => _expired.Token;

    /// <summary>The next read must complete within <paramref name="timeout"/>.</summary>
    public void Start(TimeSpan timeout)
    {
        var ticks = (long)(timeout.TotalSeconds * time.TimestampFrequency);
        Volatile.Write(ref _dueTimestamp, time.GetTimestamp() + Math.Max(0, ticks));
    }

    internal void CancelIfDue(long now)
    {
        if (now >= Volatile.Read(ref _dueTimestamp) && !_expired.IsCancellationRequested)
        {
            _expired.Cancel();
        }
    }

    public void Dispose()
    {
        owner.Unregister(this);
        _expired.Dispose();
    }
}
