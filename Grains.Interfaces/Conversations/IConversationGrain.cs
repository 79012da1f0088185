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

    /// <summary>Messages with seq greater than afterSeq, oldest first, as the reading device sees them.</summary>
    [AlwaysInterleave]
    Task<MessagePage> ReadAfterAsync(DeviceAddress reader, long afterSeq, int limit);

    /// <summary>Messages with seq lower than beforeSeq (0: from the newest), newest first.</summary>
    [AlwaysInterleave]
    Task<MessagePage> ReadBeforeAsync(DeviceAddress reader, long beforeSeq, int limit);
}
