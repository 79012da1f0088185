namespace XChat.Grains.Conversations;

/// <summary>
/// A conversation (key: conversation id): members, and the ordered log of opaque messages.
/// Every method takes the calling user and checks membership itself.
/// </summary>
public interface IConversationGrain : IGrainWithStringKey
{
    /// <summary>Creates the conversation. For a direct conversation a repeat returns the existing one.</summary>
    Task<ConversationSnapshot> CreateAsync(string creatorUserId, ConversationKind kind, IReadOnlyList<string> memberUserIds);

    /// <summary>The members and last seq; the caller must be a member.</summary>
    Task<ConversationSnapshot> GetAsync(string callerUserId);

    /// <summary>Adds a member to a group; only the owner may.</summary>
    Task<ConversationSnapshot> AddMemberAsync(string callerUserId, string userId);

    /// <summary>Removes a member from a group; the owner may remove anyone, a member may remove themself.</summary>
    Task<ConversationSnapshot> RemoveMemberAsync(string callerUserId, string userId);

    /// <summary>Appends a message and returns its seq once it is durably committed. Idempotent per (sender device, client message id).</summary>
    [AlwaysInterleave]
    Task<AppendResult> AppendAsync(AppendRequest request);

    /// <summary>
    /// Appends several sends, in the given order, as if each were its own <see cref="AppendAsync"/>
    /// call, and answers once every one is committed or refused: one outcome per send, in the same
    /// order. A send that breaks a rule gets its error in its outcome and does not affect the others.
    /// A gateway uses it to carry the sends that arrived while its previous call to this conversation
    /// was in flight in one call instead of one each. The list is not copied on a call inside one
    /// process ([Immutable]): neither side changes it once the call is made.
    /// </summary>
    [AlwaysInterleave]
    Task<IReadOnlyList<AppendOutcome>> AppendManyAsync([Immutable] IReadOnlyList<AppendRequest> requests);

    /// <summary>Messages with seq greater than afterSeq, oldest first, as the reading device sees them.</summary>
    [AlwaysInterleave]
    Task<MessagePage> ReadAfterAsync(DeviceAddress reader, long afterSeq, int limit);

    /// <summary>Messages with seq lower than beforeSeq (0: from the newest), newest first.</summary>
    [AlwaysInterleave]
    Task<MessagePage> ReadBeforeAsync(DeviceAddress reader, long beforeSeq, int limit);

    /// <summary>
    /// Deletes a message for everyone: its ciphertext is erased from storage and a tombstone stays.
    /// Only a device of the user who sent it may; a tombstone deleted again is a no-op.
    /// </summary>
    /// <exception cref="Errors.NotFoundException">No such conversation or seq.</exception>
    /// <exception cref="Errors.ForbiddenException">Not a member, or not the message's sender.</exception>
    Task DeleteMessageAsync(DeviceAddress caller, long seq);

    /// <summary>The conversation for the chat list: last activity and the messages of others after <paramref name="readCursor"/> that are not deleted.</summary>
    Task<ChatSnapshot> GetChatAsync(string callerUserId, long readCursor);

    /// <summary>Every member device's delivery and read cursor; the caller must be a member.</summary>
    Task<IReadOnlyList<DeviceReceipt>> GetReceiptsAsync(string callerUserId);

    /// <summary>
    /// On the direct conversation of the two users (it need not exist yet): <paramref name="blockerUserId"/>
    /// blocks or unblocks <paramref name="blockedUserId"/>. While either blocks the other, sends fail with
    /// <see cref="Errors.BlockedException"/>.
    /// </summary>
    Task SetBlockAsync(string blockerUserId, string blockedUserId, bool blocked);
}
