namespace XChat.Grains.Errors;

/// <summary>A direct send between two users one of whom blocked the other. It does not say which one.</summary>
[GenerateSerializer, Alias("xchat.Blocked")]
public sealed class BlockedException(string message) : XChatException(message);
