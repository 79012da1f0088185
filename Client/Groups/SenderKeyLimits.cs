namespace XChat.Client.Groups;

/// <summary>The protocol limits of sender keys, each with the reason for its value.</summary>
public static class SenderKeyLimits
{
    /// <summary>
    /// The most chain steps one incoming group message may make us take past the last one we saw
    /// from that sender (the MAX_SKIP of a sender chain). A group sender's chain advances with every
    /// message the sender posts to the group, so a member offline for a busy afternoon can miss a
    /// few thousand; beyond this a forged iteration must not make us hash and store without bound.
    /// libsignal allows 25,000; we keep the lower bound of the pairwise sessions' total store.
    /// </summary>
    public const int MaxForwardJump = 2000;

    /// <summary>
    /// The most skipped message keys kept per sender chain (libsignal keeps 2,000): keys for
    /// messages still in flight. Beyond it the oldest are dropped first, and their messages are then
    /// reported as duplicates (their chain is known, their key is gone).
    /// </summary>
    public const int MaxSkippedMessageKeys = 2000;

    /// <summary>
    /// How many chains of one sender a record keeps (the libsignal value). A sender starts a new
    /// chain when a member leaves; messages it posted just before are still in flight, so the older
    /// chains stay for a while, and the oldest is dropped first.
    /// </summary>
    public const int MaxStates = 5;
}
