namespace XChat.Client.Messaging;

/// <summary>
/// A message as the SDK shows it: <paramref name="From"/> is the sender's handle (or user id when unknown);
/// <paramref name="GroupName"/> is the group's name when <paramref name="Conversation"/> is a group.
/// A sync also returns what content messages did (<see cref="Type"/> edit, delete, reaction, deleted);
/// a history shows each message with its final text and state.
/// </summary>
public sealed record ChatMessage(string Conversation, long Seq, string FromUserId, string From, string Text, DateTimeOffset SentAt, string? GroupName = null)
{
    /// <summary>True for a message in a group conversation (ids <c>g_…</c>).</summary>
    public bool IsGroup => Conversation.StartsWith("g_", StringComparison.Ordinal);

    /// <summary>The attached file, for an attachment message (see <see cref="XChatClient.DownloadAsync(string, long, string, IProgress{long}?, CancellationToken)"/>).</summary>
    public ChatAttachment? Attachment { get; init; }

    /// <summary>When the message disappears (server time); null when it does not.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>One of <see cref="ChatMessageTypes"/>: a text, or an event about the message at <see cref="Target"/>.</summary>
    public string Type { get; init; } = ChatMessageTypes.Text;

    /// <summary>For a text: the seq of the message it replies to.</summary>
    public long? ReplyTo { get; init; }

    /// <summary>For an edit, delete, reaction or deleted event: the seq of the message it is about.</summary>
    public long? Target { get; init; }

    /// <summary>For a reaction: the emoji.</summary>
    public string? Emoji { get; init; }

    /// <summary>For a reaction: true when the sender took it back.</summary>
    public bool Removed { get; init; }

    /// <summary>In a history: the text is the sender's latest edit.</summary>
    public bool Edited { get; init; }

    /// <summary>In a history: the sender deleted the message for everyone (the text is empty).</summary>
    public bool Deleted { get; init; }

    /// <summary>In a history: each reacting user's handle and emoji.</summary>
    public IReadOnlyDictionary<string, string> Reactions { get; init; } = new Dictionary<string, string>();
}

/// <summary>The values of <see cref="ChatMessage.Type"/>.</summary>
public static class ChatMessageTypes
{
    /// <summary>A message with text (perhaps a reply).</summary>
    public const string Text = "text";

    /// <summary>The sender replaced the text of its message <see cref="ChatMessage.Target"/> with <see cref="ChatMessage.Text"/>.</summary>
    public const string Edit = "edit";

    /// <summary>The sender deleted its message <see cref="ChatMessage.Target"/> for everyone (an encrypted notice).</summary>
    public const string Delete = "delete";

    /// <summary>The sender reacted to <see cref="ChatMessage.Target"/> with <see cref="ChatMessage.Emoji"/> (or removed it).</summary>
    public const string Reaction = "reaction";

    /// <summary>A tombstone from the server: this message was deleted for everyone before this device fetched it.</summary>
    public const string Deleted = "deleted";
}

/// <summary>Where a message of this user stands for one recipient device.</summary>
public enum ReceiptState
{
    /// <summary>Stored on the server, not yet fetched by the device.</summary>
    Sent,
    /// <summary>The device fetched it, as its end-to-end encrypted delivery receipt told this device.</summary>
    Delivered,
    /// <summary>The device's user read it (the device's read cursor on the server).</summary>
    Read,
}

/// <summary>The receipt of one message for one device of a recipient (or of this user's other device).</summary>
public sealed record MessageReceipt(string UserId, string Handle, uint DeviceId, ReceiptState State);

/// <summary>
/// A sync's news about this user's messages: device <paramref name="DeviceId"/> of <paramref name="UserId"/>
/// now has every message up to <paramref name="UpToSeq"/> in <paramref name="State"/>.
/// </summary>
public sealed record ReceiptUpdate(string Conversation, long UpToSeq, string UserId, string Handle, uint DeviceId, ReceiptState State);

/// <summary>One entry of the conversation list: a peer's handle or a group's name, unread count and last activity.</summary>
public sealed record ChatSummary(string Conversation, string Title, bool IsGroup, long LastSeq, DateTimeOffset? LastActivity, long Unread, long ReadCursor);

/// <summary>What a message says about its attached file; the key stays in the profile.</summary>
public sealed record ChatAttachment(string Id, string FileName, string ContentType, long Size);

/// <summary>Why a message could not be read. The sync skipped it and moved on.</summary>
public enum MessageFailureKind
{
    /// <summary>No ciphertext for this device in the envelope.</summary>
    NotAddressedToThisDevice,
    /// <summary>Malformed, tampered or forged: it did not authenticate.</summary>
    InvalidMessage,
    /// <summary>Already decrypted once (a replay).</summary>
    DuplicateMessage,
    /// <summary>No session with the sender's device and not an initial message.</summary>
    NoSession,
    /// <summary>The sender's identity key changed and was not accepted.</summary>
    UntrustedIdentity,
    /// <summary>The prekey the initial message names is gone, or a key is unusable.</summary>
    InvalidKey,
    /// <summary>It decrypted, but the body is not a message this version understands.</summary>
    UnsupportedBody,
    /// <summary>A group message whose sender key this device does not hold: sent before it joined, or after it was removed.</summary>
    NoSenderKey,
    /// <summary>An edit, delete or reaction about a message that is not there, or an edit or delete of another user's message.</summary>
    RejectedContent,
}

/// <summary>A message the sync skipped: where it was, who sent it and why it failed.</summary>
public sealed record MessageFailure(string Conversation, long Seq, string SenderUserId, uint SenderDeviceId, MessageFailureKind Kind, string Detail);

/// <summary>What one sync brought: the new messages (in seq order per conversation) and those that failed.</summary>
public sealed record SyncResult(IReadOnlyList<ChatMessage> Messages, IReadOnlyList<MessageFailure> Failures)
{
    /// <summary>Receipts of this user's messages that moved since the last sync.</summary>
    public IReadOnlyList<ReceiptUpdate> Receipts { get; init; } = [];
}
