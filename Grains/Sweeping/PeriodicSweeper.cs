using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace XChat.Grains.Sweeping;

/// <summary>
/// Runs a sweep every interval until the host stops. A round that filled its batch runs again at once.
/// Failures (storage down, tables not created yet at start) are logged and retried next interval: the
/// work is durable in storage, so nothing is lost by waiting. Every silo sweeps; a sweep is idempotent.
/// </summary>
public abstract partial class PeriodicSweeper(TimeProvider time, ILogger logger) : BackgroundService
{
    protected TimeProvider Time { get; } = time;

    protected abstract TimeSpan Interval { get; }

    protected abstract int BatchSize { get; }

    protected abstract string Name { get; }

    /// <summary>One round; returns how many items it removed.</summary>
    protected abstract Task<int> SweepOnceAsync(CancellationToken cancellationToken);

    /// <summary>Sweeps until a round removes less than a batch; for tests and for the timer loop.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken = default)
    {
        var total = 0;
        while (true)
        {
            var removed = await SweepOnceAsync(cancellationToken).ConfigureAwait(false);
            total += removed;
            if (removed < BatchSize)
            {
                return total;
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, Time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                var removed = await SweepAsync(stoppingToken).ConfigureAwait(false);
                if (removed > 0)
                {
                    LogSwept(logger, Name, removed);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogSweepFailed(logger, Name, exception.GetType().Name, exception.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Sweep} sweep removed {Count} items")]
    private static partial void LogSwept(ILogger logger, string sweep, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Sweep} sweep failed ({ExceptionType}: {Detail}); retrying next interval")]
    private static partial void LogSweepFailed(ILogger logger, string sweep, string exceptionType, string detail);
}
