namespace XChat.Client.Errors;

/// <summary>
/// The peer's identity key differs from the one the identity store trusts for that address: the
/// user must verify the new key (or accept it explicitly) before the session is used.
/// </summary>
public sealed class UntrustedIdentityException(string address)
    : SessionException($"The identity key of {address} is not trusted.")
{
    /// <summary>The address (name.device) whose identity key was refused.</summary>
    public string Address { get; } = address;
}
