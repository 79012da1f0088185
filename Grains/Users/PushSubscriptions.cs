using XChat.Grains.Connections;

namespace XChat.Grains.Users;

/// <summary>The gateways (push observers) that hold a user's online devices, each entry expiring unless refreshed.</summary>
internal sealed class PushSubscriptions(TimeSpan lifetime, TimeProvider time)
{
    private readonly Dictionary<(uint DeviceId, IPushObserver Observer), DateTimeOffset> _expiries = [];

    /// <summary>Adds or renews a subscription; true when there was no live one.</summary>
    public bool Add(uint deviceId, IPushObserver observer)
    {
        var now = time.GetUtcNow();
        var wasLive = _expiries.TryGetValue((deviceId, observer), out var expiry) && expiry > now;
        _expiries[(deviceId, observer)] = now + lifetime;
        return !wasLive;
    }

    public void Remove(uint deviceId, IPushObserver observer) => _expiries.Remove((deviceId, observer));

    /// <summary>True while at least one device has a live subscription (the user is online).</summary>
    public bool AnyLive()
    {
        var now = time.GetUtcNow();
        return _expiries.Values.Any(expiry => expiry > now);
    }

    /// <summary>Live subscriptions grouped by observer; expired ones are dropped on the way.</summary>
    public IEnumerable<(IPushObserver Observer, IReadOnlyList<uint> DeviceIds)> ByObserver()
    {
        var now = time.GetUtcNow();
        List<(uint, IPushObserver)>? expired = null;
        var groups = new Dictionary<IPushObserver, List<uint>>();
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
        }

        foreach (var key in expired ?? [])
        {
            _expiries.Remove(key);
        }

        return groups.Select(g => (g.Key, (IReadOnlyList<uint>)g.Value));
    }
}
