using System.Collections.Concurrent;

namespace XChat.Grains.Storage;

/// <summary>
/// One OS thread that runs blocking work items one at a time, in order, each completing a task.
/// The SQLite writer runs its transactions here: SQLite's calls block (the inserts, then the commit's
/// fsync) and under load the writer is busy most of the time, which on a thread-pool worker holds
/// one of the few workers a 2-core machine has (benchmarks/README.md, "The SQLite writer on its own
/// thread"). The thread starts with the first item and ends on <see cref="Dispose"/>.
/// </summary>
internal sealed class DedicatedThread(string name) : IDisposable
{
    private readonly BlockingCollection<(Action Work, TaskCompletionSource Done)> _queue = new();
    private readonly object _startLock = new();
    private Thread? _thread;

    /// <summary>Queues the work; the task completes (off this thread) when it ran, or fails with what it threw.</summary>
    public Task RunAsync(Action work)
    {
        EnsureStarted();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            _queue.Add((work, done));
        }
        catch (InvalidOperationException)
        {
            return Task.FromException(new ObjectDisposedException(name));
        }

        return done.Task;
    }

    /// <summary>Runs what is queued, then ends the thread and waits for it.</summary>
    public void Dispose()
    {
        _queue.CompleteAdding();
        Thread? thread;
        lock (_startLock)
        {
            thread = _thread;
        }

        if (thread is not null && thread != Thread.CurrentThread)
        {
            thread.Join();
        }
    }

    private void EnsureStarted()
    {
        lock (_startLock)
        {
            if (_thread is null && !_queue.IsAddingCompleted)
            {
                _thread = new Thread(Run) { IsBackground = true, Name = name };
                _thread.Start();
            }
        }
    }

    private void Run()
    {
        foreach (var (work, done) in _queue.GetConsumingEnumerable())
        {
            try
            {
                work();
                done.SetResult();
            }
            catch (Exception exception)
            {
                done.SetException(exception);
            }
        }
    }
}
