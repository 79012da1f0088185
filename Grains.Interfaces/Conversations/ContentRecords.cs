namespace XChat.Grains.Conversations;

/// <summary>
/// One member device's read cursor in a conversation: the read receipts of every message at or below it.
/// Id 2 was the delivery cursor, which members no longer see (delivery receipts are end-to-end encrypted).
/// </summary>
[GenerateSerializer, Immutable, Alias("xchat.DeviceReceipt")]
public sealed record DeviceReceipt(
    [property: Id(0)] string UserId,
    [property: Id(1)] uint DeviceId,
    [property: Id(3)] long ReadSeq);

/// <summary>A conversation as the chat list shows it to one device: members, last seq, last activity and unread count.</summary>
[GenerateSerializer, Immutable, Alias("xchat.ChatSnapshot")]
public sealed record ChatSnapshot(
    [property: Id(0)] ConversationSnapshot Conversation,
    [property: Id(1)] long LastActivityMs,
    [property: Id(2)] long Unread);
