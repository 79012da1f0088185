namespace XChat.LoadTests;

/// <summary>Counts one sender's sends still running, and completes when the last one has ended after <see cref="AllDoneAsync"/>.</summary>
internal sealed class OutstandingSends
{
    private readonly TaskCompletionSource _allDone = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // One more than the sends running until AllDoneAsync is called, so the count cannot reach
    // zero while sends are still being started.
    private int _count = 1;

    public void Track(Task send)
    {
        Interlocked.Increment(ref _count);
        send.ContinueWith(static (_, state) => ((OutstandingSends)state!).Ended(), this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>No more sends will be tracked: completes when every tracked one has ended, however it ended.</summary>
    public Task AllDoneAsync()
    {
        Ended();
        return _allDone.Task;
    }

    private void Ended()
    {
        if (Interlocked.Decrement(ref _count) == 0)
        {
            _allDone.TrySetResult();
        }
    }
}
