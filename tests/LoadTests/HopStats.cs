using System.Diagnostics;
using HdrHistogram;

namespace XChat.LoadTests;

/// <summary>
/// Where an XChat message's time goes, split at the server's timestamp. The conversation grain stamps
/// a message when its commit batch starts, so "to stamp" is the way in plus the wait for the grain's
/// previous commit, and "from stamp" is the commit, the push and the way out. Also send to
/// SendResult, which is when a send leaves the window. The stamp is wall-clock milliseconds from the
/// server's clock (same machine), so the split is at 1 ms resolution.
/// </summary>
internal sealed class HopStats
{
    private const long HighestMicroseconds = 600_000_000;
    private readonly long _startTimestamp = Stopwatch.GetTimestamp();
    private readonly long _startUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public LongConcurrentHistogram ToStamp { get; } = new(1, HighestMicroseconds, 3);

    public LongConcurrentHistogram FromStamp { get; } = new(1, HighestMicroseconds, 3);

    public LongConcurrentHistogram ToAck { get; } = new(1, HighestMicroseconds, 3);

    public bool Any => ToAck.TotalCount > 0 || ToStamp.TotalCount > 0;

    /// <summary>Records one receipt's two halves around the server's stamp (Unix milliseconds).</summary>
    public void RecordReceipt(long sentTimestamp, long receivedTimestamp, long serverUnixMs)
    {
        ToStamp.RecordValue(Math.Max(0, (long)((serverUnixMs - UnixMs(sentTimestamp)) * 1000)));
        FromStamp.RecordValue(Math.Max(0, (long)((UnixMs(receivedTimestamp) - serverUnixMs) * 1000)));
    }

    public void RecordAck(long sentTimestamp) =>
        ToAck.RecordValue(Math.Max(0, (long)Stopwatch.GetElapsedTime(sentTimestamp).TotalMicroseconds));

    private double UnixMs(long timestamp) => _startUnixMs + Stopwatch.GetElapsedTime(_startTimestamp, timestamp).TotalMilliseconds;
}
