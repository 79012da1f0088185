namespace XChat.Client.Storage;

/// <summary>What the user decided about a peer's identity key. Stored as its number: do not renumber.</summary>
public enum PeerTrust
{
    /// <summary>Trusted on first use, or accepted after a change, but not compared out of band.</summary>
    Unverified = 0,

    /// <summary>The user compared the safety number and marked it verified.</summary>
    Verified = 1,
}
