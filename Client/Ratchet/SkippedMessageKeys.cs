namespace XChat.Client.Ratchet;

/// <summary>
/// MKSKIPPED of the Double Ratchet (§3.2): message keys of messages not yet received, by ratchet
/// public key and message number, oldest first. Holds at most
/// <see cref="SessionLimits.MaxSkippedMessageKeys"/>; the oldest are dropped first.
/// </summary>
internal sealed class SkippedMessageKeys
{
    private readonly List<SkippedMessageKey> _keys = [];

    public int Count => _keys.Count;

    public IReadOnlyList<SkippedMessageKey> Keys => _keys;

    public void Add(byte[] ratchetKey, uint counter, byte[] messageKey) => _keys.Add(new SkippedMessageKey(ratchetKey, counter, messageKey));

    /// <summary>Drops the oldest keys beyond the bound; called once after a batch of adds.</summary>
    public void Trim()
    {
        var excess = _keys.Count - SessionLimits.MaxSkippedMessageKeys;
        if (excess > 0)
        {
            _keys.RemoveRange(0, excess);
        }
    }

    /// <summary>Finds and removes the key, so that a replay of the message finds nothing.</summary>
    public bool TryTake(ReadOnlySpan<byte> ratchetKey, uint counter, out byte[] messageKey)
    {
        for (var i = 0; i < _keys.Count; i++)
        {
            var key = _keys[i];
            if (key.Counter == counter && ratchetKey.SequenceEqual(key.RatchetKey))
            {
                _keys.RemoveAt(i);
                messageKey = key.MessageKey;
                return true;
            }
        }

        messageKey = [];
        return false;
    }

    /// <summary>Drops every key of one receiving chain.</summary>
    public void RemoveChain(ReadOnlySpan<byte> ratchetKey)
    {
        for (var i = _keys.Count - 1; i >= 0; i--)
        {
            if (ratchetKey.SequenceEqual(_keys[i].RatchetKey))
            {
                _keys.RemoveAt(i);
            }
        }
    }

    public SkippedMessageKeys Clone()
    {
        var clone = new SkippedMessageKeys();
        clone._keys.AddRange(_keys);
        return clone;
    }
}

/// <summary>One skipped message key; the arrays are never changed after creation, so copies may share them.</summary>
internal sealed record SkippedMessageKey(byte[] RatchetKey, uint Counter, byte[] MessageKey);

/// <summary>A receiving chain the ratchet has moved past: its ratchet key and how many of its messages were received or skipped.</summary>
internal sealed record PreviousReceivingChain(byte[] RatchetKey, uint EndCounter);
