using System.Runtime.InteropServices;
using XChat.Grains.Storage;

namespace XChat.Grains.Conversations;

/// <summary>
/// Fingerprints of the most recent sends committed by this activation: a filter that says which
/// sends cannot be retries, so only the others are looked up in the store. Bounded: the oldest
/// are forgotten first, after which every send must be looked up (<see cref="HasForgotten"/>).
/// </summary>
/// <remarks>
/// It keeps a 32-bit fingerprint per send, not the key: keeping each send's client message id
/// string alive made every one of them survive the young garbage collections and die old, and
/// with thousands of sends a second those collections paused the server for tens of
/// milliseconds. Two sends can share a fingerprint, so a match only means "maybe": the store
/// gives the answer. The fingerprint is the key's hash code, which is seeded per process, so a
/// client cannot aim a send at another's fingerprint; a match it does cause costs one lookup.
/// </remarks>
internal sealed class RecentSends
{
    private readonly int _capacity;
    private readonly Func<ClientMessageKey, int> _fingerprint;
    private readonly Dictionary<int, int> _counts = [];
    private readonly Queue<int> _order = new();

    public RecentSends(int capacity)
        : this(capacity, static key => key.GetHashCode())
    {
    }

    /// <summary>For tests: a fingerprint that makes different keys collide.</summary>
    internal RecentSends(int capacity, Func<ClientMessageKey, int> fingerprint)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _capacity = capacity;
        _fingerprint = fingerprint;
    }

    /// <summary>True once a send has been forgotten: from then on a retry may be in the store only.</summary>
    public bool HasForgotten { get; private set; }

    public int Count => _order.Count;

    /// <summary>False when this send was surely not committed here among the remembered ones.</summary>
    public bool MayContain(ClientMessageKey key) => _counts.ContainsKey(_fingerprint(key));

    /// <summary>Remembers a newly committed send.</summary>
    public void Remember(ClientMessageKey key)
    {
        var fingerprint = _fingerprint(key);
        CollectionsMarshal.GetValueRefOrAddDefault(_counts, fingerprint, out _)++;
        _order.Enqueue(fingerprint);
        while (_order.Count > _capacity)
        {
            var oldest = _order.Dequeue();
            ref var count = ref CollectionsMarshal.GetValueRefOrNullRef(_counts, oldest);
            if (--count == 0)
            {
                _counts.Remove(oldest);
            }

            HasForgotten = true;
        }
    }
}
