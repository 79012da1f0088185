namespace XChat.Client.Errors;

/// <summary>
/// The message's key was already consumed (the message was decrypted before, or its skipped key was
/// dropped): a replay, or a copy delivered twice. The session is unchanged.
/// </summary>
public sealed class DuplicateMessageException(string message) : SessionException(message);
