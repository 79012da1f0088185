namespace XChat.Client.Ratchet;

/// <summary>Whether an identity is checked before sending to it or after receiving from it.</summary>
public enum IdentityDirection
{
    Sending,
    Receiving,
}
