namespace XChat.Client.Errors;

/// <summary>
/// The message is malformed, failed authentication, or asks for more skipped keys than allowed.
/// The session is unchanged and keeps working for genuine messages.
/// </summary>
public sealed class InvalidMessageException(string message, Exception? innerException = null)
    : SessionException(message, innerException);
