using System.Diagnostics;
using HdrHistogram;
using XChat.Client.Transport;

namespace XChat.LoadTests.Scenarios;

/// <summary>
/// group-fanout: one sender, a group of G other members, every member online with its own
/// connection; the sender sends M messages at a fixed rate and each member's receipts are timed
/// (send to receipt). The group is G + 1 members, so the server's XChat:Limits:MaxGroupMembers
/// must allow that (the default, 256, does not for G = 500).
/// </summary>
internal static class GroupFanoutScenario
{
    private const int WarmUpIndex = -1;

    public static async Task<ScenarioReport> RunAsync(LoadOptions options, ReportHeader header)
    {
        var server = options.Server!;
        var run = LoadUsers.NewRunId();
        var members = new Member?[options.Members];
        XChatConnection? sender = null;
        try
        {
            using (var setup = new CancellationTokenSource(TimeSpan.FromMinutes(5)))
            {
                var registered = 0;
                await using (ProgressLine.Start("setup", () => $"{Volatile.Read(ref registered)}/{options.Members} members registered"))
                {
                    var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.SetupParallelism, CancellationToken = setup.Token };
                    await Parallel.ForEachAsync(Enumerable.Range(0, options.Members), parallel, async (i, token) =>
                    {
                        members[i] = new Member(await LoadUsers.RegisterAsync(server, $"{run}_m{i}", token), options.Messages);
                        Interlocked.Increment(ref registered);
                    });
                    sender = await LoadUsers.RegisterAsync(server, $"{run}_owner", setup.Token);
                }
            }

            var group = await sender.CreateGroupAsync(members.Select(m => m!.Connection.UserId!));
            return await MeasureAsync(options, header, sender, members.Select(m => m!).ToArray(), group.ConversationId);
        }
        finally
        {
            await LoadUsers.DisposeAllAsync([sender]);
            await LoadUsers.DisposeAllAsync(members.Select(m => m?.Connection));
        }
    }

    private static async Task<ScenarioReport> MeasureAsync(LoadOptions options, ReportHeader header, XChatConnection sender, Member[] members, string groupId)
    {
        using var deadline = new CancellationTokenSource(options.Timeout);
        var receiving = members.Select(m => m.ReceiveAsync(groupId, deadline.Token)).ToArray();

        // One message first, outside the figures: it activates the conversation and every delivery path.
        await sender.SendAsync(groupId, Payload.Create(WarmUpIndex, Payload.HeaderBytes), cancellationToken: deadline.Token);
        await Task.WhenAll(members.Select(m => m.WarmedUp.WaitAsync(deadline.Token)));

        var sendErrors = 0;
        var start = Stopwatch.GetTimestamp();
        await using (ProgressLine.Start("group-fanout", () => $"{members.Sum(m => (long)m.Delivered)}/{(long)options.Messages * members.Length} deliveries"))
        {
            for (var index = 0; index < options.Messages && !deadline.IsCancellationRequested; index++)
            {
                // Paced from the start, so a slow send is followed at once by the next one.
                var due = TimeSpan.FromSeconds((double)index / options.Rate) - Stopwatch.GetElapsedTime(start);
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due, deadline.Token).ContinueWith(_ => { }, TaskScheduler.Default);
                }

                try
                {
                    await sender.SendAsync(groupId, Payload.Create(index, options.PayloadBytes), cancellationToken: deadline.Token);
                }
                catch (Exception e) when (e is XChatServerException or TimeoutException or ConnectionLostException or OperationCanceledException)
                {
                    sendErrors++;
                }
            }

            await Task.WhenAll(receiving);
        }

        var latency = new LongHistogram(600_000_000, 3);
        foreach (var member in members)
        {
            latency.Add(member.Stats.Latency);
        }

        var expected = (long)options.Messages * members.Length;
        var delivered = members.Sum(m => (long)m.Stats.Distinct);
        double Ms(double percentile) => latency.TotalCount == 0 ? double.NaN : latency.GetValueAtPercentile(percentile) / 1000.0;
        var figures = new List<Figure>
        {
            new("deliveries expected", expected, "messages x members"),
            new("delivered", delivered, "messages x members"),
            new("latency p50", Ms(50), "ms"),
            new("latency p90", Ms(90), "ms"),
            new("latency p99", Ms(99), "ms"),
            new("latency max", latency.TotalCount == 0 ? double.NaN : latency.GetMaxValue() / 1000.0, "ms"),
            new("lost", expected - delivered, "messages x members"),
            new("duplicated", members.Sum(m => m.Stats.Duplicated), "messages x members"),
            new("reordered", members.Sum(m => m.Stats.Reordered), "messages x members"),
            new("send errors", sendErrors, "sends"),
        };
        return header.Complete(new Dictionary<string, string>
        {
            ["members besides the sender"] = members.Length.ToString(),
            ["messages"] = options.Messages.ToString(),
            ["rate msgs/s"] = options.Rate.ToString(),
            ["payload bytes"] = options.PayloadBytes.ToString(),
        }, figures);
    }

    /// <summary>One online member: its connection and what it received of the group.</summary>
    private sealed class Member(XChatConnection connection, int messages)
    {
        private readonly TaskCompletionSource _warmedUp = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _delivered;

        public XChatConnection Connection => connection;

        public ReceiverStats Stats { get; } = new(messages);

        public Task WarmedUp => _warmedUp.Task;

        public int Delivered => Volatile.Read(ref _delivered);

        public async Task ReceiveAsync(string groupId, CancellationToken cancellationToken)
        {
            try
            {
                await foreach (var envelope in connection.Messages.WithCancellation(cancellationToken))
                {
                    if (envelope.ConversationId != groupId)
                    {
                        continue;
                    }

                    var payload = envelope.SharedCiphertext.Memory;
                    if (Payload.Read(payload.Span).Index == WarmUpIndex)
                    {
                        _warmedUp.TrySetResult();
                        continue;
                    }

                    Stats.Record(new Receipt(payload, (long)envelope.Seq), Stopwatch.GetTimestamp());
                    Interlocked.Increment(ref _delivered);
                    if (Stats.Complete)
                    {
                        return;
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // Timed out: the missing messages count as lost.
            }
        }
    }
}
