namespace XChat.Client.Ratchet;

/// <summary>Session records by peer device. Returned records are the caller's copies: changes count only once stored.</summary>
public interface ISessionStore
{
    Task<SessionRecord?> LoadSessionAsync(ProtocolAddress address);

    Task StoreSessionAsync(ProtocolAddress address, SessionRecord record);
}
