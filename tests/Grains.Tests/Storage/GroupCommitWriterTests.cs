using Microsoft.Extensions.Logging.Abstractions;
using XChat.Grains.Errors;
using XChat.Grains.Storage;

namespace XChat.Grains.Tests.Storage;

/// <summary>The writer loop's batching rules, with a recording commit instead of a database.</summary>
public class GroupCommitWriterTests
{
    [Fact]
    public async Task EnqueueAsync_QueuedWhileCommitInFlight_BatchesUpToCapWithoutSplittingCallers()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var batches = new List<int>();
        await using var writer = new GroupCommitWriter(async (batch, _) =>
        {
            batches.Add(batch.Sum(r => r.RowCount));
            await gate.Task;
        }, maxBatchRows: 10, NullLogger.Instance);

        var first = writer.EnqueueAsync(Request(1));
        await WaitUntilAsync(() => writer.QueuedCount == 0 && batches.Count == 1);
        var singles = Enumerable.Range(0, 25).Select(_ => writer.EnqueueAsync(Request(1))).ToList();
        var large = writer.EnqueueAsync(Request(15));
        using var cancelled = new CancellationTokenSource();
        var dropped = writer.EnqueueAsync(Request(1, cancelled.Token));
        await cancelled.CancelAsync();
        gate.SetResult();

        await Task.WhenAll([first, large, .. singles]);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => dropped);
        Assert.Equal([1, 10, 10, 5, 15], batches);
        Assert.Equal(5, writer.CommitCount);
    }

    [Fact]
    public async Task EnqueueAsync_CombinedCommitFails_RetriesCallersAloneAndFailsOnlyTheOffender()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var bad = Request(2);
        await using var writer = new GroupCommitWriter(async (batch, _) =>
        {
            await gate.Task;
            if (batch.Contains(bad))
            {
                throw new InvalidOperationException("simulated constraint violation");
            }
        }, maxBatchRows: 100, NullLogger.Instance);

        var first = writer.EnqueueAsync(Request(1));
        await WaitUntilAsync(() => writer.QueuedCount == 0);
        var before = writer.EnqueueAsync(Request(3));
        var offender = writer.EnqueueAsync(bad);
        var after = writer.EnqueueAsync(Request(1));
        gate.SetResult();

        await Task.WhenAll(first, before, after);
        await Assert.ThrowsAsync<StorageUnavailableException>(() => offender);
        Assert.Equal(1, writer.IsolatedRetryCount);
    }

    [Fact]
    public async Task EnqueueAsync_AfterDispose_ThrowsStorageUnavailable()
    {
        var writer = new GroupCommitWriter((_, _) => Task.CompletedTask, maxBatchRows: 10, NullLogger.Instance);
        await writer.DisposeAsync();

        await Assert.ThrowsAsync<StorageUnavailableException>(() => writer.EnqueueAsync(Request(1)));
    }

    private static WriteRequest Request(int cursors, CancellationToken cancellationToken = default) => new(
        [], Enumerable.Range(0, cursors).Select(i => new CursorUpdate("u/1", $"g_{i}", i)).ToArray(), cancellationToken);

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; !condition(); i++)
        {
            Assert.True(i < 1000, "Condition not reached in 10 s.");
            await Task.Delay(10);
        }
    }
}
