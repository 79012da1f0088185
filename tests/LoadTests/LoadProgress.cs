namespace XChat.LoadTests;

/// <summary>Counters a running workload updates and the progress line reads; thread-safe.</summary>
internal sealed class LoadProgress
{
    private long _delivered;
    private long _sent;
    private long _failed;

    public long Delivered => Interlocked.Read(ref _delivered);

    public long Sent => Interlocked.Read(ref _sent);

    public long Failed => Interlocked.Read(ref _failed);

    public void OnDelivered() => Interlocked.Increment(ref _delivered);

    public void OnSent() => Interlocked.Increment(ref _sent);

    public void OnFailed() => Interlocked.Increment(ref _failed);
}
