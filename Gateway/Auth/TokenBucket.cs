namespace XChat.Gateway.Auth;

/// <summary>A token bucket: up to <c>burst</c> tokens, refilled at <c>ratePerSecond</c>. Thread-safe.</summary>
public sealed class TokenBucket(double ratePerSecond, int burst, TimeProvider time)
{
    private readonly object _gate = new();
    private double _tokens = burst;
    private long _lastTimestamp = time.GetTimestamp();

    /// <summary>Takes a token, or returns false with the time until one is available.</summary>
    public bool TryTake(out TimeSpan retryAfter)
    {
        lock (_gate)
        {
            var now = time.GetTimestamp();
            _tokens = Math.Min(burst, _tokens + time.GetElapsedTime(_lastTimestamp, now).TotalSeconds * ratePerSecond);
            _lastTimestamp = now;
            if (_tokens >= 1)
            {
                _tokens -= 1;
                retryAfter = TimeSpan.Zero;
                return true;
            }

            retryAfter = TimeSpan.FromSeconds((1 - _tokens) / ratePerSecond);
            return false;
        }
    }
}
