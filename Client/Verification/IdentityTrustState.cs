namespace XChat.Client.Verification;

/// <summary>What the local user knows about a contact's identity keys.</summary>
public enum IdentityTrustState
{
    /// <summary>Keys seen (trusted on first use, or accepted after a change) but the safety number was never compared.</summary>
    Unverified,

    /// <summary>The user compared the safety number of exactly the current keys.</summary>
    Verified,

    /// <summary>
    /// The keys differ from the ones last verified or accepted (a new or re-installed device):
    /// sending needs re-verification or an explicit accept.
    /// </summary>
    ChangedSinceVerified,
}
