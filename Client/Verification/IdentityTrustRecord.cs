using XChat.Client.Keys;

namespace XChat.Client.Verification;

/// <summary>A contact's trust: the keys last verified or accepted, the keys seen now, and the resulting state.</summary>
/// <param name="WasVerified">True when the accepted keys were verified (not only trusted on first use or accepted).</param>
public sealed record IdentityTrustRecord(
    string Handle,
    IReadOnlyList<IdentityKey> AcceptedKeys,
    IReadOnlyList<IdentityKey> CurrentKeys,
    IdentityTrustState State,
    bool WasVerified)
{
    /// <summary>False while the keys changed and the user has neither re-verified nor accepted them.</summary>
    public bool CanSend => State != IdentityTrustState.ChangedSinceVerified;
}
