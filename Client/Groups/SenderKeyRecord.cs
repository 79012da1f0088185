namespace XChat.Client.Groups;

/// <summary>
/// Everything known about one <see cref="SenderKeyName"/>: the sender's chains, newest first, at
/// most <see cref="SenderKeyLimits.MaxStates"/>. For our own name the newest chain is the one we send on.
/// </summary>
public sealed class SenderKeyRecord
{
    private readonly List<SenderKeyState> _states;

    public SenderKeyRecord()
        : this([])
    {
    }

    private SenderKeyRecord(List<SenderKeyState> states)
    {
        _states = states;
    }

    public bool IsEmpty => _states.Count == 0;

    /// <summary>The chains, newest first.</summary>
    internal IReadOnlyList<SenderKeyState> States => _states;

    internal SenderKeyState? Current => _states.Count == 0 ? null : _states[0];

    internal SenderKeyState? FindState(uint chainId) => _states.Find(state => state.ChainId == chainId);

    /// <summary>Makes <paramref name="state"/> the newest chain, replacing one with the same id; drops the oldest beyond the limit.</summary>
    internal void AddState(SenderKeyState state)
    {
        _states.RemoveAll(existing => existing.ChainId == state.ChainId);
        _states.Insert(0, state);
        if (_states.Count > SenderKeyLimits.MaxStates)
        {
            _states.RemoveRange(SenderKeyLimits.MaxStates, _states.Count - SenderKeyLimits.MaxStates);
        }
    }

    /// <summary>The versioned binary form, for a persistent store (<see cref="SenderKeyRecordCodec"/>).</summary>
    public byte[] Serialize() => SenderKeyRecordCodec.Write(this);

    /// <summary>Reads <see cref="Serialize"/>'s output; throws <see cref="Errors.InvalidMessageException"/> when it is malformed.</summary>
    public static SenderKeyRecord Deserialize(ReadOnlySpan<byte> serialized) => SenderKeyRecordCodec.Read(serialized);

    internal static SenderKeyRecord FromStates(List<SenderKeyState> states) => new(states);

    /// <summary>A deep copy: ciphers work on a copy and store it only when the message authenticates.</summary>
    public SenderKeyRecord Clone() => new(_states.ConvertAll(state => state.Clone()));
}
