using System.Diagnostics;
using XChat.Grains.Errors;
using XChat.Grains.Storage;
using Xunit.Abstractions;

namespace XChat.Grains.Tests.Storage;

// Group commit: batching across callers, isolation of a failing caller, throughput.
public abstract partial class MessageStoreTests
{
    protected abstract ITestOutputHelper Output { get; }

    [Fact]
    public async Task AppendAsync_DuplicateSeqInBatchWithInnocentCaller_OnlyOffenderFailsAndStoresNothing()
    {
        var (taken, innocent, blocker) = (Conversation("taken"), Conversation("innocent"), Conversation("blocker"));
        var original = TestMessages.Range(taken, 1, 2);
        await Store.AppendAsync(original);

        Task blocked, offender, bystander;
        await using (await HoldWriteLockAsync())
        {
            // The writer takes this request and waits for the lock; the next two queue behind it
            // and so go into the same transaction.
            blocked = Store.AppendAsync(TestMessages.Range(blocker, 1, 1));
            await WaitUntilAsync(() => Store.QueuedCount == 0);
            await Task.Delay(200);
            // seq 2 exists (a duplicate activation would do this); seq 3 is free but must not be stored either.
            offender = Store.AppendAsync([TestMessages.Create(taken, 2, clientId: "dup-2"), TestMessages.Create(taken, 3, clientId: "dup-3")]);
            bystander = Store.AppendAsync(TestMessages.Range(innocent, 1, 5));
            Assert.Equal(2, Store.QueuedCount);
        }

        await blocked;
        await bystander;
        await Assert.ThrowsAsync<StorageUnavailableException>(() => offender);
        Assert.Equal(1, Store.IsolatedRetryCount);
        Assert.Equal(5, await Store.GetLastSeqAsync(innocent));
        var stored = await Store.ReadAfterAsync(taken, 0, 10);
        Assert.Equal(2, stored.Count);
        TestMessages.AssertSame(original[1], stored[1]);
    }

    [Fact]
    public async Task AppendAsync_ManyConcurrentAppenders_AllCommittedInFewerTransactionsThanCalls()
    {
        const int conversations = 50, perConversation = 40;
        var commitsBefore = Store.CommitCount;

        // Each conversation appends in order, as its grain would; the conversations run in parallel,
        // and each also saves a cursor per message to mix both kinds of rows in the batches.
        await Task.WhenAll(Enumerable.Range(0, conversations).Select(c => Task.Run(async () =>
        {
            var conversation = Conversation($"many{c}");
            for (var seq = 1; seq <= perConversation; seq++)
            {
                await Store.AppendAsync([TestMessages.Create(conversation, seq)]);
                await Store.SaveCursorsAsync([new CursorUpdate(Device("reader"), conversation, seq)]);
            }
        })));

        var calls = conversations * perConversation * 2;
        var transactions = Store.CommitCount - commitsBefore;
        Output.WriteLine($"{calls} write calls committed in {transactions} transactions");
        Assert.True(transactions < calls, $"Group commit must share transactions between callers ({transactions} transactions for {calls} calls).");
        var cursors = await Store.LoadCursorsAsync(Device("reader"));
        for (var c = 0; c < conversations; c++)
        {
            var conversation = Conversation($"many{c}");
            Assert.Equal(perConversation, await Store.GetLastSeqAsync(conversation));
            Assert.Equal(perConversation, (await Store.ReadAfterAsync(conversation, 0, 100)).Count);
            Assert.Equal(perConversation, cursors[conversation]);
        }
    }

    [Fact]
    public async Task AppendAsync_HundredConcurrentAppenders_ReportsThroughput()
    {
        const int appenders = 100, appendsEach = 200;
        var commitsBefore = Store.CommitCount;
        var transactionTimeBefore = Store.TimeInTransactions;
        var stopwatch = Stopwatch.StartNew();

        await Task.WhenAll(Enumerable.Range(0, appenders).Select(a => Task.Run(async () =>
        {
            var conversation = Conversation($"bench{a}");
            for (var seq = 1; seq <= appendsEach; seq++)
            {
                await Store.AppendAsync([TestMessages.Create(conversation, seq)]);
            }
        })));

        stopwatch.Stop();
        var total = appenders * appendsEach;
        var transactions = Store.CommitCount - commitsBefore;
        // A measurement, not an assertion: the figure depends on the machine and its neighbours.
        Output.WriteLine($"{GetType().Name}: {total} single-message appends from {appenders} concurrent appenders in "
            + $"{stopwatch.Elapsed.TotalSeconds:F2} s = {total / stopwatch.Elapsed.TotalSeconds:F0} messages/s, "
            + $"{transactions} transactions (mean {(double)total / transactions:F1} messages per commit), "
            + $"writer busy in transactions {(Store.TimeInTransactions - transactionTimeBefore).TotalSeconds:F2} s");
        Assert.Equal(appendsEach, await Store.GetLastSeqAsync(Conversation("bench0")));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(10), "Condition not reached in 10 s.");
            await Task.Delay(10);
        }
    }
}
