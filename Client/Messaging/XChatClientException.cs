namespace XChat.Client.Messaging;

/// <summary>A failure the user can act on (unknown handle, missing profile, ...): the message is one clear line.</summary>
public sealed class XChatClientException(string message, Exception? innerException = null) : Exception(message, innerException);
