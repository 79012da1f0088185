using System.Diagnostics.Metrics;

namespace XChat.Grains.Hosting;

/// <summary>The grain side's instruments in the "XChat" meter, exported on the silo's /metrics (see README, "Operating").</summary>
/// <remarks>
/// Static, as the .NET guidance allows for a library: grains and the store's writer are created by
/// Orleans and the stores without our dependency injection. Prometheus names: dots become
/// underscores, the unit is appended ("_seconds") and counters end in "_total".
/// </remarks>
public static class XChatMetrics
{
    /// <summary>The meter of XChat's own instruments; the gateway's share the name.</summary>
    public const string MeterName = "XChat";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> MessagesAppended = Meter.CreateCounter<long>("xchat.messages.appended",
        description: "Messages committed to conversation logs (duplicates of a retried send not counted).");

    private static readonly Histogram<long> StorageBatchSize = Meter.CreateHistogram<long>("xchat.storage.batch.rows",
        description: "Rows (messages and cursors) committed in one group-commit transaction.",
        advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048] });

    private static readonly Histogram<double> StorageCommitDuration = Meter.CreateHistogram<double>("xchat.storage.commit.duration", unit: "s",
        description: "Time a combined group-commit transaction took (failed ones included).",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] });

    /// <summary>Messages committed to a conversation log.</summary>
    public static void Appended(int messages) => MessagesAppended.Add(messages);

    /// <summary>One group-commit transaction of <paramref name="rows"/> rows took <paramref name="elapsed"/>.</summary>
    public static void StorageCommitted(int rows, TimeSpan elapsed)
    {
        StorageBatchSize.Record(rows);
        StorageCommitDuration.Record(elapsed.TotalSeconds);
    }
}
