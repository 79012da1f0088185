namespace XChat.Client.Errors;

/// <summary>There is no session with the peer: build one from a prekey bundle first.</summary>
public sealed class NoSessionException(string message) : SessionException(message);
