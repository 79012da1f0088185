using XChat.LoadTests;

namespace XChat.Integration.Tests.Client;

public sealed class OutstandingSendsTests
{
    [Fact]
    public async Task AllDone_WaitsForEveryTrackedSend_HoweverItEnds()
    {
        var outstanding = new OutstandingSends();
        var succeeds = new TaskCompletionSource();
        var fails = new TaskCompletionSource();
        var cancelled = new TaskCompletionSource();
        outstanding.Track(succeeds.Task);
        outstanding.Track(fails.Task);
        outstanding.Track(cancelled.Task);

        var allDone = outstanding.AllDoneAsync();
        succeeds.SetResult();
        fails.SetException(new InvalidOperationException("send failed"));
        Assert.False(allDone.IsCompleted);

        cancelled.SetCanceled();
        await allDone.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task AllDone_WhenEverySendEndedBefore_CompletesAtOnce()
    {
        var outstanding = new OutstandingSends();
        outstanding.Track(Task.CompletedTask);

        await outstanding.AllDoneAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task AllDone_NothingTracked_CompletesAtOnce()
    {
        await new OutstandingSends().AllDoneAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }
}
