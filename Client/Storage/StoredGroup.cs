namespace XChat.Client.Storage;

/// <summary>A group member as this device knows it: the user id the server uses and the handle the group update named (checked with the server).</summary>
public sealed record GroupMember(string UserId, string Handle);

/// <summary>
/// What a device keeps about one group: its name and members (from the latest encrypted group update),
/// the seq of that update, and the devices (<c>user.device</c>) holding our current sender key.
/// </summary>
public sealed record StoredGroup(
    string Conversation,
    string Name,
    string OwnerUserId,
    IReadOnlyList<GroupMember> Members,
    long UpdateSeq,
    IReadOnlyList<string> SenderKeyHolders);
