namespace XChat.Grains.Live;

/// <summary>Bounds of a conversation's disappearing-message timer.</summary>
public static class DisappearingRules
{
    /// <summary>Shortest timer: one second (the sweep runs every few seconds, so shorter would promise nothing).</summary>
    public static readonly TimeSpan MinDuration = TimeSpan.FromSeconds(1);

    /// <summary>Longest timer: 365 days.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(365);

    /// <summary>True for zero (off) or a duration within the bounds.</summary>
    public static bool IsValid(TimeSpan duration) =>
        duration == TimeSpan.Zero || (duration >= MinDuration && duration <= MaxDuration);
}
