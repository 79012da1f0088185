namespace XChat.Client.Errors;

/// <summary>
/// The base of the session errors: a peer's message, key or identity could not be used. Messages
/// name the condition only; they never contain key material or message content.
/// </summary>
public abstract class SessionException : Exception
{
    protected SessionException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
