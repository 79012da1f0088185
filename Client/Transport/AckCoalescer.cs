using System.Threading.Channels;

namespace XChat.Client.Transport;

/// <summary>
/// Collects the highest delivered seq per conversation so that a burst of deliveries becomes one
/// Ack per conversation: while one batch is being sent, newer seqs overwrite older ones here.
/// </summary>
internal sealed class AckCoalescer
{
    private readonly object _lock = new();
    private readonly Channel<bool> _doorbell = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private Dictionary<string, ulong> _pending = new(StringComparer.Ordinal);

    public bool IsEmpty
    {
        get
        {
            lock (_lock)
            {
                return _pending.Count == 0;
            }
        }
    }

    /// <summary>Records that the application received this message; the cursor only moves forward.</summary>
    public void MarkDelivered(string conversationId, ulong seq)
    {
        lock (_lock)
        {
            if (seq > _pending.GetValueOrDefault(conversationId))
            {
                _pending[conversationId] = seq;
            }
        }

        _doorbell.Writer.TryWrite(true);
    }

    /// <summary>Takes every pending ack, leaving none.</summary>
    public IReadOnlyDictionary<string, ulong> TakeAll()
    {
        lock (_lock)
        {
            var taken = _pending;
            _pending = new Dictionary<string, ulong>(StringComparer.Ordinal);
            return taken;
        }
    }

    /// <summary>Puts back acks that could not be sent, without moving a newer pending ack backward.</summary>
    public void Restore(IEnumerable<KeyValuePair<string, ulong>> acks)
    {
        lock (_lock)
        {
            foreach (var (conversationId, seq) in acks)
            {
                if (seq > _pending.GetValueOrDefault(conversationId))
                {
                    _pending[conversationId] = seq;
                }
            }
        }
    }

    /// <summary>Waits until something was marked since the last wait.</summary>
    public ValueTask<bool> WaitAsync(CancellationToken cancellationToken) => _doorbell.Reader.ReadAsync(cancellationToken);
}
