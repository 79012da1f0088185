using System.Diagnostics;
using HdrHistogram;

namespace XChat.LoadTests;

/// <summary>
/// Runs the workload over connected pairs: each sender sends M payloads to its partner with at
/// most W in flight; each partner records latency, duplicates and order. Bounded by M and by the timeout.
/// </summary>
internal static class LoadRunner
{
    // Latencies are recorded in microseconds up to 10 minutes, 3 significant digits.
    private const long HighestLatencyMicroseconds = 600_000_000;

    public static async Task<LoadResult> RunAsync(string name, IReadOnlyList<ILoadPair> pairs, LoadOptions options, CpuMeter? serverCpu, LoadProgress? progress = null)
    {
        using var deadline = new CancellationTokenSource(options.Timeout);
        var receivers = pairs.Select(_ => new ReceiverStats(options.Messages)).ToArray();
        var windows = pairs.Select(_ => new SemaphoreSlim(options.Window, options.Window)).ToArray();
        var sendErrors = 0L;
        var serverCpuBefore = serverCpu?.Read();
        var toolCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;

        var hops = new HopStats();
        var start = Stopwatch.GetTimestamp();
        var receiving = pairs.Select((pair, i) => ReceiveAsync(pair, receivers[i], windows[i], hops, progress, deadline.Token)).ToArray();
        var sending = pairs.Select((pair, i) => SendAsync(pair, windows[i], options, hops, () => Interlocked.Increment(ref sendErrors), deadline.Token)).ToArray();
        await Task.WhenAll(sending);
        await Task.WhenAll(receiving);

        var lastDelivery = receivers.Max(r => r.LastReceiptTimestamp);
        var histogram = new LongHistogram(HighestLatencyMicroseconds, 3);
        foreach (var receiver in receivers)
        {
            histogram.Add(receiver.Latency);
        }

        foreach (var window in windows)
        {
            window.Dispose();
        }

        return new LoadResult(
            name,
            Expected: (long)options.Messages * pairs.Count,
            Delivered: receivers.Sum(r => (long)r.Distinct),
            Duplicated: receivers.Sum(r => r.Duplicated),
            Reordered: receivers.Sum(r => r.Reordered),
            SendErrors: Interlocked.Read(ref sendErrors),
            Elapsed: lastDelivery > start ? Stopwatch.GetElapsedTime(start, lastDelivery) : TimeSpan.Zero,
            LatencyMicroseconds: histogram,
            ToolCpu: Process.GetCurrentProcess().TotalProcessorTime - toolCpuBefore,
            ServerCpu: serverCpu is not null ? serverCpu.Read() - serverCpuBefore : null,
            Hops: hops.Any ? hops : null);
    }

    private static async Task SendAsync(ILoadPair pair, SemaphoreSlim window, LoadOptions options, HopStats hops, Action onError, CancellationToken cancellationToken)
    {
        // Counted, not listed: a list of every send's task would keep them all alive to the end,
        // and the tool's own garbage collections would then pause it for tens of milliseconds.
        var outstanding = new OutstandingSends();
        try
        {
            for (var index = 0; index < options.Messages; index++)
            {
                await window.WaitAsync(cancellationToken);
                outstanding.Track(SendOneAsync(pair, window, Payload.Create(index, options.PayloadBytes), hops, onError, cancellationToken));
            }
        }
        catch (OperationCanceledException)
        {
            // The timeout ended the run; what was not sent counts as lost.
        }

        await outstanding.AllDoneAsync();
    }

    private static async Task SendOneAsync(ILoadPair pair, SemaphoreSlim window, byte[] payload, HopStats hops, Action onError, CancellationToken cancellationToken)
    {
        try
        {
            await pair.SendAsync(payload, cancellationToken);
            if (!pair.WindowEndsAtReceipt)
            {
                hops.RecordAck(Payload.Read(payload).SentTimestamp);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Counted, not thrown: one failed send must not hide the figures of the others.
            onError();
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            if (!pair.WindowEndsAtReceipt)
            {
                window.Release();
            }
        }
    }

    private static async Task ReceiveAsync(ILoadPair pair, ReceiverStats stats, SemaphoreSlim window, HopStats hops, LoadProgress? progress, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var receipt in pair.ReceiveAsync(cancellationToken))
            {
                var now = Stopwatch.GetTimestamp();
                stats.Record(receipt, now);
                if (receipt.ServerUnixMs > 0)
                {
                    hops.RecordReceipt(Payload.Read(receipt.Payload.Span).SentTimestamp, now, receipt.ServerUnixMs);
                }
                progress?.OnDelivered();
                if (pair.WindowEndsAtReceipt)
                {
                    window.Release();
                }

                if (stats.Complete)
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
