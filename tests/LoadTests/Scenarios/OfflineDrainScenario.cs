using System.Diagnostics;
using XChat.Client.Transport;

namespace XChat.LoadTests.Scenarios;

/// <summary>
/// offline-drain: R recipients go offline; S senders send N messages in all to them (recipient r
/// shares a direct conversation with sender r mod S); then every recipient connects at once and
/// resumes from its cursor. Drain rate = messages delivered ÷ (last delivery − reconnect start).
/// The send phase is not measured; at the default send rate limit (50/s per device) it is slow,
/// so raise XChat:Gateway:SendsPerSecond and SendBurst for large N.
/// </summary>
internal static class OfflineDrainScenario
{
    public static async Task<ScenarioReport> RunAsync(LoadOptions options, ReportHeader header)
    {
        var server = options.Server!;
        var run = LoadUsers.NewRunId();
        var senders = new XChatConnection?[options.Senders];
        var recipients = new Recipient?[options.Recipients];
        try
        {
            using (var setup = new CancellationTokenSource(TimeSpan.FromMinutes(5)))
            {
                var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.SetupParallelism, CancellationToken = setup.Token };
                await Parallel.ForEachAsync(Enumerable.Range(0, options.Senders), parallel, async (s, token) =>
                    senders[s] = await LoadUsers.RegisterAsync(server, $"{run}_s{s}", token));
                await Parallel.ForEachAsync(Enumerable.Range(0, options.Recipients), parallel, async (r, token) =>
                {
                    var identity = DeviceIdentity.Create();
                    // Recipient r gets N / R messages, the first N mod R recipients one more.
                    var count = options.Total / options.Recipients + (r < options.Total % options.Recipients ? 1 : 0);
                    await using var online = await LoadUsers.RegisterAsync(server, $"{run}_r{r}", token, identity);
                    var conversation = await senders[r % options.Senders]!.CreateDirectAsync(online.UserId!, token);
                    recipients[r] = new Recipient(identity, conversation.ConversationId, count);
                });
            }

            var ready = recipients.Select(r => r!).ToArray();
            var (sent, sendErrors, sendTime) = await SendAllAsync(options, senders.Select(s => s!).ToArray(), ready);
            await LoadUsers.DisposeAllAsync(senders);
            var drain = await DrainAsync(server, options, ready);
            var delivered = ready.Sum(r => (long)r.Stats.Distinct);
            var figures = new List<Figure>
            {
                new("acknowledged sends", sent, "messages"),
                new("send errors", sendErrors, "sends"),
                new("send phase rate", sent / sendTime.TotalSeconds, "msgs/s"),
                new("delivered", delivered, "messages"),
                new("drain time", drain.TotalSeconds, "s"),
                new("drain rate", drain > TimeSpan.Zero ? delivered / drain.TotalSeconds : double.NaN, "msgs/s"),
                new("lost", sent - delivered, "messages"),
                new("duplicated", ready.Sum(r => r.Stats.Duplicated), "messages"),
                new("reordered", ready.Sum(r => r.Stats.Reordered), "messages"),
                new("reconnect failures", ready.Count(r => r.ConnectFailed), "recipients"),
            };
            return header.Complete(new Dictionary<string, string>
            {
                ["recipients"] = options.Recipients.ToString(),
                ["senders"] = options.Senders.ToString(),
                ["messages in all"] = options.Total.ToString(),
                ["window per sender"] = options.Window.ToString(),
                ["payload bytes"] = options.PayloadBytes.ToString(),
            }, figures);
        }
        finally
        {
            await LoadUsers.DisposeAllAsync(senders);
            await LoadUsers.DisposeAllAsync(recipients.Select(r => r?.Connection));
        }
    }

    /// <summary>Each sender sends its recipients' messages round-robin with at most W in flight.</summary>
    private static async Task<(long Sent, long Errors, TimeSpan Elapsed)> SendAllAsync(LoadOptions options, XChatConnection[] senders, Recipient[] recipients)
    {
        using var deadline = new CancellationTokenSource(options.Timeout);
        long sent = 0, errors = 0;
        var clock = Stopwatch.StartNew();
        await using (ProgressLine.Start("send", () => $"{Interlocked.Read(ref sent)}/{options.Total} acknowledged, {Interlocked.Read(ref errors)} failed"))
        {
            await Task.WhenAll(senders.Select(async (sender, s) =>
            {
                var mine = recipients.Where((_, r) => r % senders.Length == s).ToArray();
                using var window = new SemaphoreSlim(options.Window);
                var inFlight = new List<Task>();
                for (var index = 0; index < mine.Max(r => r.Count) && !deadline.IsCancellationRequested; index++)
                {
                    foreach (var recipient in mine.Where(r => index < r.Count))
                    {
                        try
                        {
                            await window.WaitAsync(deadline.Token);
                        }
                        catch (OperationCanceledException)
                        {
                            break;
                        }

                        inFlight.Add(SendOneAsync(sender, recipient, index));
                    }
                }

                await Task.WhenAll(inFlight);

                async Task SendOneAsync(XChatConnection connection, Recipient recipient, int index)
                {
                    try
                    {
                        await connection.SendAsync(recipient.ConversationId, Payload.Create(index, options.PayloadBytes), cancellationToken: deadline.Token);
                        recipient.OnAcknowledged();
                        Interlocked.Increment(ref sent);
                    }
                    catch (Exception e) when (e is XChatServerException or TimeoutException or ConnectionLostException or OperationCanceledException)
                    {
                        // Counted, not thrown: the recipient simply expects one message less.
                        Interlocked.Increment(ref errors);
                    }
                    finally
                    {
                        window.Release();
                    }
                }
            }));
        }

        return (Interlocked.Read(ref sent), Interlocked.Read(ref errors), clock.Elapsed);
    }

    /// <summary>Connects every recipient at once and waits until each has its acknowledged messages (or the timeout).</summary>
    private static async Task<TimeSpan> DrainAsync(Uri server, LoadOptions options, Recipient[] recipients)
    {
        using var deadline = new CancellationTokenSource(options.Timeout);
        var expected = recipients.Sum(r => (long)r.Acknowledged);
        var start = Stopwatch.GetTimestamp();
        await using (ProgressLine.Start("drain", () => $"{recipients.Sum(r => (long)r.Delivered)}/{expected} delivered"))
        {
            await Task.WhenAll(recipients.Select(r => r.ConnectAndDrainAsync(server, deadline.Token)));
        }

        var last = recipients.Max(r => r.Stats.LastReceiptTimestamp);
        return last > start ? Stopwatch.GetElapsedTime(start, last) : TimeSpan.Zero;
    }

    /// <summary>One recipient: its identity (kept across the offline phase) and what it got.</summary>
    private sealed class Recipient(DeviceIdentity identity, string conversationId, int count)
    {
        private int _acknowledged;
        private int _delivered;

        public string ConversationId => conversationId;

        public int Count => count;

        public int Acknowledged => Volatile.Read(ref _acknowledged);

        public int Delivered => Volatile.Read(ref _delivered);

        public ReceiverStats Stats { get; } = new(count);

        public XChatConnection? Connection { get; private set; }

        public bool ConnectFailed { get; private set; }

        public void OnAcknowledged() => Interlocked.Increment(ref _acknowledged);

        public async Task ConnectAndDrainAsync(Uri server, CancellationToken cancellationToken)
        {
            try
            {
                Connection = await XChatConnection.ConnectAsync(server, identity, LoadUsers.ConnectionOptions, cancellationToken);
                if (Acknowledged == 0)
                {
                    return;
                }

                await foreach (var envelope in Connection.Messages.WithCancellation(cancellationToken))
                {
                    if (envelope.ConversationId != conversationId)
                    {
                        continue;
                    }

                    Stats.Record(new Receipt(envelope.SharedCiphertext.Memory, (long)envelope.Seq), Stopwatch.GetTimestamp());
                    Interlocked.Increment(ref _delivered);
                    if (Stats.Distinct >= Acknowledged)
                    {
                        return;
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // Timed out: the missing messages count as lost.
            }
            catch (Exception e) when (Connection is null && e is not OperationCanceledException)
            {
                // Refused or timed out while connecting: counted; its messages count as lost.
                ConnectFailed = true;
            }
        }
    }
}
