namespace XChat.Client.Ratchet;

/// <summary>
/// Everything a device keeps about its session with one peer device: the current session state and
/// up to <see cref="SessionLimits.MaxArchivedStates"/> replaced ones (newest first), so messages
/// still in flight under an older session decrypt. Serializable with <see cref="Serialize"/>.
/// </summary>
public sealed class SessionRecord
{
    private readonly List<SessionState> _states;

    public SessionRecord()
    {
        _states = [];
    }

    internal SessionRecord(List<SessionState> states)
    {
        _states = states;
    }

    /// <summary>True when there is a session to encrypt with.</summary>
    public bool HasCurrentState => _states.Count > 0;

    internal SessionState? CurrentState => _states.Count > 0 ? _states[0] : null;

    /// <summary>The current state first, then the archived ones, newest first.</summary>
    internal IReadOnlyList<SessionState> States => _states;

    /// <summary>Makes <paramref name="state"/> current and archives the previous current state.</summary>
    internal void PromoteNewState(SessionState state)
    {
        _states.Insert(0, state);
        if (_states.Count > SessionLimits.MaxArchivedStates + 1)
        {
            _states.RemoveRange(SessionLimits.MaxArchivedStates + 1, _states.Count - SessionLimits.MaxArchivedStates - 1);
        }
    }

    /// <summary>Replaces the state at <paramref name="index"/> with its updated copy and makes it current.</summary>
    internal void PromoteUpdatedState(int index, SessionState updated)
    {
        _states.RemoveAt(index);
        _states.Insert(0, updated);
    }

    /// <summary>The index of the state started by the PQXDH run with base key <paramref name="baseKey"/>, or -1.</summary>
    internal int FindStateByBaseKey(ReadOnlySpan<byte> baseKey)
    {
        for (var i = 0; i < _states.Count; i++)
        {
            if (baseKey.SequenceEqual(_states[i].BaseKey))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The versioned binary form (see <see cref="SessionRecordCodec"/>); it holds private keys, so store it encrypted.</summary>
    public byte[] Serialize() => SessionRecordCodec.Write(this);

    /// <summary>Reads <see cref="Serialize"/>'s output; throws <see cref="InvalidDataException"/> when it is corrupt or of an unknown version.</summary>
    public static SessionRecord Deserialize(ReadOnlySpan<byte> serialized) => SessionRecordCodec.Read(serialized);
}
