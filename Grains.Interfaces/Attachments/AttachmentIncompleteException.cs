using XChat.Grains.Errors;

namespace XChat.Grains.Attachments;

/// <summary>The upload is not finished (a read or a reference), or its received bytes differ from the declared size (finish).</summary>
[GenerateSerializer, Alias("xchat.AttachmentIncomplete")]
public sealed class AttachmentIncompleteException(string message) : XChatException(message);
