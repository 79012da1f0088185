using System.Globalization;
using HdrHistogram;

namespace XChat.LoadTests;

/// <summary>Prints results as aligned text (one block per workload, then the XChat/relay ratio).</summary>
internal static class Report
{
    public static void Print(LoadResult result, LoadOptions options)
    {
        var wall = result.Elapsed.TotalSeconds;
        Console.WriteLine($"== {result.Name}: {options.Pairs} pairs x {options.Messages} msgs x {options.PayloadBytes} B, window {options.Window}");
        Console.WriteLine(F($"  delivered      {result.Delivered}/{result.Expected} in {wall:F2} s = {result.Throughput:F0} msg/s"));
        Console.WriteLine(F($"  latency ms     p50 {result.LatencyMs(50):F2}  p90 {result.LatencyMs(90):F2}  p99 {result.LatencyMs(99):F2}  max {result.MaxLatencyMs:F2}"));
        if (result.Hops is { } hops)
        {
            // HopStats says what the two halves around the server's stamp hold.
            Console.WriteLine($"  send to ack    {Percentiles(hops.ToAck)}");
            Console.WriteLine($"  send to stamp  {Percentiles(hops.ToStamp)}  (server's stamp at commit start, 1 ms)");
            Console.WriteLine($"  stamp to recv  {Percentiles(hops.FromStamp)}");
        }

        Console.WriteLine($"  lost {result.Lost}  duplicated {result.Duplicated}  reordered {result.Reordered}  send errors {result.SendErrors}");
        if (result.ServerCpu is { } serverCpu)
        {
            Console.WriteLine(F($"  server cpu     {serverCpu.TotalSeconds:F2} s ({Share(serverCpu, wall):F0}% of one core)"));
        }

        Console.WriteLine(F($"  tool cpu       {result.ToolCpu.TotalSeconds:F2} s ({Share(result.ToolCpu, wall):F0}% of one core; includes the in-process relay when there is one)"));
    }

    public static void PrintRatio(LoadResult xchat, LoadResult relay)
    {
        static string Ratio(double a, double b) => b > 0 ? (a / b).ToString("F2", CultureInfo.InvariantCulture) : "n/a";
        Console.WriteLine("== xchat / relay");
        Console.WriteLine($"  throughput     {Ratio(xchat.Throughput, relay.Throughput)}");
        Console.WriteLine($"  latency p50    {Ratio(xchat.LatencyMs(50), relay.LatencyMs(50))}");
        Console.WriteLine($"  latency p99    {Ratio(xchat.LatencyMs(99), relay.LatencyMs(99))}");
    }

    private static string Percentiles(HistogramBase h) => h.TotalCount == 0 ? "n/a" :
        F($"p50 {h.GetValueAtPercentile(50) / 1000.0:F1}  p90 {h.GetValueAtPercentile(90) / 1000.0:F1}  p99 {h.GetValueAtPercentile(99) / 1000.0:F1} ms");

    private static double Share(TimeSpan cpu, double wallSeconds) => wallSeconds > 0 ? 100 * cpu.TotalSeconds / wallSeconds : 0;

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
