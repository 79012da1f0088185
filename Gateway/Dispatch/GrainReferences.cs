using System.Collections.Concurrent;
using XChat.Grains.Conversations;
using XChat.Grains.Devices;
using XChat.Grains.Users;

namespace XChat.Gateway.Dispatch;

/// <summary>
/// Grain references by key, reused across requests. Orleans resolves a grain interface by
/// reflection on every GetGrain call, which measurably costs on the send path; a reference is
/// immutable and thread-safe, so caching it is safe. Bounded: past the capacity the cache starts
/// over rather than growing with every conversation ever seen.
/// </summary>
public sealed class GrainReferences(IGrainFactory grains)
{
    private const int Capacity = 100_000;

    private readonly ConcurrentDictionary<string, IConversationGrain> _conversations = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IDeviceGrain> _devices = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IUserGrain> _users = new(StringComparer.Ordinal);

    public IConversationGrain Conversation(string conversationId) => Get(_conversations, conversationId, static (g, k) => g.GetGrain<IConversationGrain>(k));

    public IDeviceGrain Device(DeviceAddress device) => Get(_devices, device.Key, static (g, k) => g.GetGrain<IDeviceGrain>(k));

    public IUserGrain User(string userId) => Get(_users, userId, static (g, k) => g.GetGrain<IUserGrain>(k));

    private T Get<T>(ConcurrentDictionary<string, T> cache, string key, Func<IGrainFactory, string, T> create)
    {
        if (cache.TryGetValue(key, out var grain))
        {
            return grain;
        }

        if (cache.Count >= Capacity)
        {
            cache.Clear();
        }

        return cache.GetOrAdd(key, static (k, state) => state.create(state.grains, k), (grains, create));
    }
}
