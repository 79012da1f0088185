namespace XChat.Client.Messaging;

/// <summary>
/// A message as the SDK shows it: <paramref name="From"/> is the sender's handle (or user id when unknown);
/// <paramref name="GroupName"/> is the group's name when <paramref name="Conversation"/> is a group.
/// </summary>
public sealed record ChatMessage(string Conversation, long Seq, string FromUserId, string From, string Text, DateTimeOffset SentAt, string? GroupName = null)
{
    /// <summary>True for a message in a group conversation (ids <c>g_…</c>).</summary>
    public bool IsGroup => Conversation.StartsWith("g_", StringComparison.Ordinal);

    /// <summary>The attached file, for an attachment message (see <see cref="XChatClient.DownloadAsync"/>).</summary>
    public ChatAttachment? Attachment { get; init; }

    /// <summary>When the message disappears (server time); null when it does not.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }
}

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
}

/// <summary>A message the sync skipped: where it was, who sent it and why it failed.</summary>
public sealed record MessageFailure(string Conversation, long Seq, string SenderUserId, uint SenderDeviceId, MessageFailureKind Kind, string Detail);

/// <summary>What one sync brought: the new messages (in seq order per conversation) and those that failed.</summary>
public sealed record SyncResult(IReadOnlyList<ChatMessage> Messages, IReadOnlyList<MessageFailure> Failures);
