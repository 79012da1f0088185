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

    /// <summary>A deep copy: ciphers work on a copy and store it only when the message authenticates.</summary>
    public SenderKeyRecord Clone() => new(_states.ConvertAll(state => state.Clone()));
}
