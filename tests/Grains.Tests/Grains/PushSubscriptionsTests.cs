using XChat.Grains.Users;

namespace XChat.Grains.Tests.Grains;

/// <summary>The user grain's push subscriptions: the grouping by gateway it keeps between pushes must follow every change.</summary>
public sealed class PushSubscriptionsTests
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(2);
    private readonly ManualTime _time = new();
    private readonly RecordingPushObserver _gatewayA = new();
    private readonly RecordingPushObserver _gatewayB = new();

    [Fact]
    public void ByObserver_DeviceSubscribesAfterAGrouping_IsInTheNextOne()
    {
        var subscriptions = new PushSubscriptions(Lifetime, _time);
        subscriptions.Add(1, _gatewayA);
        Assert.Equal(["A:1"], Groups(subscriptions));

        subscriptions.Add(2, _gatewayA);
        subscriptions.Add(3, _gatewayB);

        Assert.Equal(["A:1,2", "B:3"], Groups(subscriptions));
    }

    [Fact]
    public void ByObserver_Unsubscribed_IsLeftOutOfTheNextGrouping()
    {
        var subscriptions = new PushSubscriptions(Lifetime, _time);
        subscriptions.Add(1, _gatewayA);
        subscriptions.Add(2, _gatewayA);
        Assert.Equal(["A:1,2"], Groups(subscriptions));

        subscriptions.Remove(1, _gatewayA);

        Assert.Equal(["A:2"], Groups(subscriptions));
    }

    [Fact]
    public void ByObserver_SubscriptionExpiresAfterAGrouping_IsLeftOutOnceExpired()
    {
        var subscriptions = new PushSubscriptions(Lifetime, _time);
        subscriptions.Add(1, _gatewayA);
        _time.Advance(Lifetime / 2);
        subscriptions.Add(2, _gatewayB);
        Assert.Equal(2, Groups(subscriptions).Count);

        _time.Advance(Lifetime / 2);

        Assert.Equal(["B:2"], Groups(subscriptions));
        Assert.True(subscriptions.AnyLive());
    }

    [Fact]
    public void ByObserver_RenewedBeforeItsExpiry_StaysPastTheFirstExpiry()
    {
        var subscriptions = new PushSubscriptions(Lifetime, _time);
        subscriptions.Add(1, _gatewayA);
        Assert.Single(Groups(subscriptions));
        _time.Advance(Lifetime / 2);
        Assert.False(subscriptions.Add(1, _gatewayA), "a renewal is not a new subscription");

        _time.Advance(Lifetime / 2 + TimeSpan.FromSeconds(1));

        Assert.Equal(["A:1"], Groups(subscriptions));
    }

    // "A:1,2" per gateway, in gateway order: arrays compare by reference, strings by content.
    private List<string> Groups(PushSubscriptions subscriptions) =>
        subscriptions.ByObserver()
            .Select(g => $"{(ReferenceEquals(g.Observer, _gatewayA) ? "A" : "B")}:{string.Join(',', g.DeviceIds.Order())}")
            .Order(StringComparer.Ordinal)
            .ToList();

    private sealed class ManualTime : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
