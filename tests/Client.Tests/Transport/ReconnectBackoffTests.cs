using XChat.Client.Transport;

namespace XChat.Client.Tests.Transport;

public sealed class ReconnectBackoffTests
{
    private static readonly TimeSpan Initial = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(5);

    [Theory]
    [InlineData(0, 100)]
    [InlineData(1, 200)]
    [InlineData(2, 400)]
    [InlineData(5, 3200)]
    [InlineData(6, 5000)]
    [InlineData(40, 5000)]
    [InlineData(int.MaxValue, 5000)]
    public void Ceiling_Attempt_DoublesUpToMax(int attempt, int expectedMs)
    {
        var backoff = new ReconnectBackoff(Initial, Max);

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), backoff.Ceiling(attempt));
    }

    [Fact]
    public void Delay_ManyAttempts_StaysBetweenHalfCeilingAndCeiling()
    {
        var backoff = new ReconnectBackoff(Initial, Max, new Random(42));
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var ceiling = backoff.Ceiling(attempt);
            for (var i = 0; i < 200; i++)
            {
                var delay = backoff.Delay(attempt);
                Assert.InRange(delay, ceiling / 2, ceiling);
            }
        }
    }

    [Fact]
    public void Delay_SameAttempt_IsJittered()
    {
        var backoff = new ReconnectBackoff(Initial, Max, new Random(7));

        var delays = Enumerable.Range(0, 50).Select(_ => backoff.Delay(3)).Distinct().Count();

        Assert.True(delays > 10, "reconnect delays must be spread so clients do not reconnect in lockstep");
    }

    [Fact]
    public void Constructor_MaxBelowInitial_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReconnectBackoff(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1)));
    }
}
