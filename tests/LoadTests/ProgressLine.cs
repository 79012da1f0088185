using System.Diagnostics;

namespace XChat.LoadTests;

/// <summary>Prints one status line to stderr every interval while a phase runs, so a long run shows it is alive.</summary>
internal sealed class ProgressLine : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private ProgressLine(string phase, Func<string> status, TimeSpan interval)
    {
        _loop = RunAsync(phase, status, interval, _stop.Token);
    }

    /// <summary>Starts printing "[phase  t s] status" every <paramref name="interval"/> (default 2 s) until disposed.</summary>
    public static ProgressLine Start(string phase, Func<string> status, TimeSpan? interval = null) =>
        new(phase, status, interval ?? TimeSpan.FromSeconds(2));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }

    private static async Task RunAsync(string phase, Func<string> status, TimeSpan interval, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                Console.Error.WriteLine($"[{phase} {clock.Elapsed.TotalSeconds,6:F0} s] {status()}");
            }
        }
        catch (OperationCanceledException)
        {
            // The phase ended.
        }
    }
}
