namespace XChat.Client.Ratchet;

/// <summary>The protocol limits of a session, each with the reason for its value.</summary>
public static class SessionLimits
{
    /// <summary>
    /// MAX_SKIP of the Double Ratchet specification §3.2: the most message keys one incoming message
    /// may make us derive and store for messages not yet received. Large enough for any real gap
    /// (messages lost or reordered in transit, a long burst sent while the other side was offline),
    /// small enough that a forged counter cannot make us do unbounded work or fill the store.
    /// </summary>
    public const int MaxSkip = 1000;

    /// <summary>
    /// The most skipped message keys a session keeps in all (Double Ratchet §8.4 "deleting skipped
    /// message keys"): two full MAX_SKIP gaps. Beyond it the oldest keys are dropped first, and the
    /// messages they would have opened are reported as duplicates (their chain is still known).
    /// </summary>
    public const int MaxSkippedMessageKeys = 2 * MaxSkip;

    /// <summary>
    /// How many finished receiving chains a session remembers (the libsignal value). A skipped key
    /// lives until this many newer chains have finished after its own, then it is dropped with the
    /// chain: a message that late is treated as lost (it then fails as an invalid message, being
    /// indistinguishable from a forgery), and the keys that could open it no longer sit on the device.
    /// </summary>
    public const int MaxPreviousReceivingChains = 5;

    /// <summary>
    /// How many replaced session states a record keeps, so that messages the peer sent under an older
    /// session (for example both sides started one at the same time) still decrypt.
    /// </summary>
    public const int MaxArchivedStates = 5;
}
