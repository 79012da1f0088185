using HdrHistogram;

namespace XChat.LoadTests;

/// <summary>The figures of one workload run.</summary>
internal sealed record LoadResult(
    string Name,
    long Expected,
    long Delivered,
    long Duplicated,
    long Reordered,
    long SendErrors,
    TimeSpan Elapsed,
    HistogramBase LatencyMicroseconds,
    TimeSpan ToolCpu,
    TimeSpan? ServerCpu,
    HopStats? Hops = null)
{
    public long Lost => Expected - Delivered;

    /// <summary>Delivered messages per second, from the first send to the last delivery.</summary>
    public double Throughput => Elapsed > TimeSpan.Zero ? Delivered / Elapsed.TotalSeconds : 0;

    public double LatencyMs(double percentile) => LatencyMicroseconds.TotalCount == 0 ? 0 : LatencyMicroseconds.GetValueAtPercentile(percentile) / 1000.0;

    public double MaxLatencyMs => LatencyMicroseconds.TotalCount == 0 ? 0 : LatencyMicroseconds.GetMaxValue() / 1000.0;
}
