using System.Diagnostics;
using System.Globalization;

namespace XChat.LoadTests.Scenarios;

/// <summary>
/// The pairs workload end-to-end encrypted ("xchat-e2e"): fresh XChat pairs, each given a Double
/// Ratchet session before the clock starts, then the same sends and checks as the plain workload.
/// </summary>
internal static class E2eWorkload
{
    public const string Name = "xchat-e2e";

    public static async Task<E2eRun> RunAsync(LoadOptions options, CancellationToken setupCancellation)
    {
        var connected = await XChatPair.SetUpAsync(options, setupCancellation);
        IReadOnlyList<E2ePair> pairs;
        var setupStart = Stopwatch.GetTimestamp();
        try
        {
            // The warm-up runs over the same pairs with its own payload indexes, so room for the larger count.
            pairs = await E2ePair.EstablishAsync(connected, Math.Max(options.Messages, options.Warmup));
        }
        catch
        {
            await LoadUsers.DisposeAllAsync(connected);
            throw;
        }

        var setup = Stopwatch.GetElapsedTime(setupStart);
        try
        {
            var cpu = options.ServerPid is { } pid ? new CpuMeter(pid) : null;
            var result = await PairsScenario.RunWithProgressAsync(Name, pairs, options, cpu);
            return new E2eRun(
                result,
                setup,
                DecryptFailures: pairs.Sum(p => p.DecryptFailures),
                Encrypted: pairs.Sum(p => p.Encrypted),
                EncryptTime: TimeSpan.FromTicks(pairs.Sum(p => p.EncryptTime.Ticks)),
                Decrypted: pairs.Sum(p => p.Decrypted),
                DecryptTime: TimeSpan.FromTicks(pairs.Sum(p => p.DecryptTime.Ticks)),
                Pairs: pairs.Count);
        }
        finally
        {
            await LoadUsers.DisposeAllAsync(pairs);
        }
    }
}

/// <summary>The encrypted run's result and what the encryption itself cost and counted.</summary>
internal sealed record E2eRun(LoadResult Result, TimeSpan SessionSetup, long DecryptFailures, long Encrypted, TimeSpan EncryptTime, long Decrypted, TimeSpan DecryptTime, int Pairs)
{
    /// <summary>The e2e figures of the report; with the plain run of the same invocation, their throughput ratio.</summary>
    public IEnumerable<Figure> Figures(LoadResult? plain)
    {
        var n = E2eWorkload.Name;
        yield return new Figure($"{n} decrypt failures", DecryptFailures, "messages");
        yield return new Figure($"{n} session setup (all pairs, before the clock)", SessionSetup.TotalMilliseconds, "ms");
        yield return new Figure($"{n} encrypt mean (wall, per message)", Mean(EncryptTime, Encrypted), "µs");
        yield return new Figure($"{n} decrypt mean (wall, per message)", Mean(DecryptTime, Decrypted), "µs");
        if (plain is not null && plain.Name != n)
        {
            yield return new Figure($"{n}/{plain.Name} throughput", PairsScenario.Ratio(Result.Throughput, plain.Throughput), "ratio");
            yield return new Figure($"{n}/{plain.Name} latency p99", PairsScenario.Ratio(Result.LatencyMs(99), plain.LatencyMs(99)), "ratio");
        }
    }

    /// <summary>The lines printed after the run's own block.</summary>
    public void Print(LoadResult? plain)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  e2e            {Pairs} sessions set up in {SessionSetup.TotalMilliseconds:F0} ms; encrypt {Mean(EncryptTime, Encrypted):F1} µs, decrypt {Mean(DecryptTime, Decrypted):F1} µs per message (wall); decrypt failures {DecryptFailures}"));
        if (plain is not null && plain.Name != E2eWorkload.Name)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"== {E2eWorkload.Name} / {plain.Name}\n  throughput     {PairsScenario.Ratio(Result.Throughput, plain.Throughput):F2}\n  latency p99    {PairsScenario.Ratio(Result.LatencyMs(99), plain.LatencyMs(99)):F2}"));
        }
    }

    private static double Mean(TimeSpan total, long count) => count > 0 ? total.TotalMicroseconds / count : double.NaN;
}
