using XChat.Grains.Storage;

namespace XChat.Grains.Conversations;

/// <summary>
/// The most recent (sender device, client message id) pairs and their results, so a retry is
/// answered from memory. Bounded: the oldest entries are forgotten first, after which the store
/// must be asked (<see cref="HasForgotten"/>).
/// </summary>
internal sealed class RecentSends(int capacity)
{
    private readonly Dictionary<ClientMessageKey, StoredMessageRef> _byKey = [];
    private readonly Queue<ClientMessageKey> _order = new();

    public bool HasForgotten { get; private set; }

    public bool TryGet(ClientMessageKey key, out StoredMessageRef result) => _byKey.TryGetValue(key, out result);

    public void Remember(ClientMessageKey key, StoredMessageRef result)
    {
        if (!_byKey.TryAdd(key, result))
        {
            return;
        }

        _order.Enqueue(key);
        while (_order.Count > capacity)
        {
            _byKey.Remove(_order.Dequeue());
            HasForgotten = true;
        }
    }
}
