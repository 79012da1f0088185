namespace XChat.Client.Transport;

/// <summary>
/// Exponential backoff with jitter: attempt n waits a random time in [c/2, c] where
/// c = min(max, initial * 2^n). The random half spreads clients that all lost the same server.
/// </summary>
internal sealed class ReconnectBackoff
{
    private readonly TimeSpan _initial;
    private readonly TimeSpan _max;
    private readonly Random _random;

    public ReconnectBackoff(TimeSpan initial, TimeSpan max, Random? random = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(initial, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, initial);
        _initial = initial;
        _max = max;
        _random = random ?? Random.Shared;
    }

    /// <summary>The ceiling of attempt n (0-based) before jitter.</summary>
    public TimeSpan Ceiling(int attempt)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(attempt);
        // Past 2^30 the product overflows long before it matters: the max applies anyway.
        if (attempt >= 30)
        {
            return _max;
        }

        var ticks = _initial.Ticks * (1L << attempt);
        return ticks <= 0 || ticks > _max.Ticks ? _max : TimeSpan.FromTicks(ticks);
    }

    /// <summary>The delay before attempt n (0-based).</summary>
    public TimeSpan Delay(int attempt)
    {
        var ceiling = Ceiling(attempt).Ticks;
        var half = ceiling / 2;
        return TimeSpan.FromTicks(half + (long)(_random.NextDouble() * (ceiling - half)));
    }
}
