using XChat.Grains.Storage;

namespace XChat.Grains.Tests.Storage;

/// <summary>The SQLite writer's own thread: order, one non-pool thread, errors, and shutdown.</summary>
public sealed class DedicatedThreadTests
{
    [Fact]
    public async Task RunAsync_SeveralItems_RunInOrderOnOneThreadThatIsNotAPoolWorker()
    {
        using var thread = new DedicatedThread("test writer");
        var seen = new List<(int Item, int ThreadId, bool IsPool, string? Name)>();

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => thread.RunAsync(() =>
            seen.Add((i, Environment.CurrentManagedThreadId, Thread.CurrentThread.IsThreadPoolThread, Thread.CurrentThread.Name)))));

        Assert.Equal(Enumerable.Range(0, 20), seen.Select(s => s.Item));
        Assert.Single(seen.Select(s => s.ThreadId).Distinct());
        Assert.All(seen, s => Assert.False(s.IsPool));
        Assert.All(seen, s => Assert.Equal("test writer", s.Name));
    }

    [Fact]
    public async Task RunAsync_WorkThrows_TaskFailsWithItAndLaterWorkStillRuns()
    {
        using var thread = new DedicatedThread("test writer");

        var failed = thread.RunAsync(() => throw new InvalidDataException("broken"));
        var ran = false;
        var next = thread.RunAsync(() => ran = true);

        Assert.Equal("broken", (await Assert.ThrowsAsync<InvalidDataException>(() => failed)).Message);
        await next;
        Assert.True(ran);
    }

    [Fact]
    public async Task Dispose_WithQueuedWork_RunsItFirstAndRefusesNewWork()
    {
        var thread = new DedicatedThread("test writer");
        using var gate = new ManualResetEventSlim();
        var first = thread.RunAsync(() => gate.Wait(TimeSpan.FromSeconds(10)));
        var finished = 0;
        var queued = thread.RunAsync(() => finished++);

        var disposing = Task.Run(thread.Dispose);
        gate.Set();
        await disposing.WaitAsync(TimeSpan.FromSeconds(10));

        await first;
        await queued;
        Assert.Equal(1, finished);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => thread.RunAsync(() => { }));
    }
}
