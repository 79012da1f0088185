using XChat.Grains.Connections;

namespace XChat.Grains.Users;

/// <summary>The gateways (push observers) that hold a user's online devices, each entry expiring unless refreshed.</summary>
internal sealed class PushSubscriptions(TimeSpan lifetime, TimeProvider time)
{
    private readonly Dictionary<(uint DeviceId, IPushObserver Observer), DateTimeOffset> _expiries = [];
    // ByObserver's grouping, kept between pushes (every committed batch asks for it): valid until a
    // subscription is added or removed, or until the earliest expiry in it.
    private (IPushObserver Observer, uint[] DeviceIds)[]? _groups;
    private DateTimeOffset _groupsValidUntil;

    /// <summary>Adds or renews a subscription; true when there was no live one.</summary>
    public bool Add(uint deviceId, IPushObserver observer)
    {
        var now = time.GetUtcNow();
        var wasLive = _expiries.TryGetValue((deviceId, observer), out var expiry) && expiry > now;
        _expiries[(deviceId, observer)] = now + lifetime;
        if (!wasLive)
        {
            _groups = null;
        }

        return !wasLive;
    }

    public void Remove(uint deviceId, IPushObserver observer)
    {
        if (_expiries.Remove((deviceId, observer)))
        {
            _groups = null;
        }
    }

    /// <summary>True while at least one device has a live subscription (the user is online).</summary>
    public bool AnyLive()
    {
        var now = time.GetUtcNow();
        return _expiries.Values.Any(expiry => expiry > now);
    }

    /// <summary>
    /// Live subscriptions grouped by observer; expired ones are dropped on the way. The arrays are
    /// shared between calls: callers must not change them.
    /// </summary>
    public IReadOnlyList<(IPushObserver Observer, uint[] DeviceIds)> ByObserver()
    {
        var now = time.GetUtcNow();
        if (_groups is not null && now < _groupsValidUntil)
        {
            return _groups;
        }

        List<(uint, IPushObserver)>? expired = null;
        var groups = new Dictionary<IPushObserver, List<uint>>();
        var validUntil = DateTimeOffset.MaxValue;
        foreach (var ((deviceId, observer), expiry) in _expiries)
        {
            if (expiry <= now)
            {
                (expired ??= []).Add((deviceId, observer));
                continue;
            }

            if (!groups.TryGetValue(observer, out var list))
            {
                groups[observer] = list = [];
            }

            list.Add(deviceId);
            validUntil = expiry < validUntil ? expiry : validUntil;
        }

        foreach (var key in expired ?? [])
        {
            _expiries.Remove(key);
        }

        _groups = groups.Select(g => (g.Key, g.Value.ToArray())).ToArray();
        _groupsValidUntil = validUntil;
        return _groups;
    }
}
