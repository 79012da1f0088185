using System.Diagnostics;
using HdrHistogram;

namespace XChat.LoadTests;

/// <summary>What one partner received: distinct, duplicated and out-of-order messages, and send-to-receipt latency.</summary>
internal sealed class ReceiverStats(int expected)
{
    private readonly bool[] _seen = new bool[expected];
    private long _lastOrderKey = long.MinValue;

    public LongHistogram Latency { get; } = new(600_000_000, 3);

    public int Distinct { get; private set; }

    public long Duplicated { get; private set; }

    public long Reordered { get; private set; }

    public long LastReceiptTimestamp { get; private set; }

    public bool Complete => Distinct == _seen.Length;

    public void Record(Receipt receipt, long now)
    {
        var (index, sent) = Payload.Read(receipt.Payload.Span);
        Latency.RecordValue(Math.Max(0, (long)Stopwatch.GetElapsedTime(sent, now).TotalMicroseconds));
        LastReceiptTimestamp = now;
        if (receipt.OrderKey <= _lastOrderKey)
        {
            Reordered++;
        }

        _lastOrderKey = Math.Max(_lastOrderKey, receipt.OrderKey);
        if (index < 0 || index >= _seen.Length || _seen[index])
        {
            Duplicated++;
            return;
        }

        _seen[index] = true;
        Distinct++;
    }
}
