using Microsoft.Extensions.Options;
using XChat.Grains.Errors;
using XChat.Grains.Hosting;
using XChat.Grains.Storage;
using XChat.Grains.Users;

namespace XChat.Grains.Conversations;

/// <summary>
/// A conversation: membership (grain state, written only when it changes) and the ordered log
/// (rows in the message store). Sends are group-committed: while one batch is being written,
/// new sends queue up and go into the next batch, so seqs stay gap-free and in commit order.
/// </summary>
public sealed partial class ConversationGrain(
    [PersistentState("conversation", StorageNames.GrainState)] IPersistentState<ConversationState> state,
    IMessageStore store,
    IOptions<XChatGrainOptions> options,
    TimeProvider time) : Grain, IConversationGrain
{
    private readonly XChatGrainOptions _limits = options.Value;
    private long _lastSeq;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _lastSeq = state.State.Exists ? await store.GetLastSeqAsync(Id, cancellationToken) : 0;
        _storeMayHoldOlderSends = _lastSeq > 0;
        _recentLoadsOnFirstSend = _storeMayHoldOlderSends && _lastSeq <= _limits.RecentSendsRemembered;
    }

    // GetPrimaryKeyString decodes the grain id into a new string on every call; every stored row holds this one.
    private string Id => _id ??= this.GetPrimaryKeyString();
    private string? _id;

    public async Task<ConversationSnapshot> CreateAsync(string creatorUserId, ConversationKind kind, IReadOnlyList<string> memberUserIds)
    {
        var members = memberUserIds.Append(creatorUserId).Distinct(StringComparer.Ordinal).ToList();
        if (state.State.Exists)
        {
            // Creating a direct conversation twice finds the first one; a group id is never reused.
            if (kind == ConversationKind.Direct && state.State.Kind == kind && members.All(state.State.Members.Contains))
            {
                return Snapshot();
            }

            throw new InvalidRequestException("The conversation already exists.");
        }

        ValidateNewMembers(kind, members);
        await EnsureUsersExistAsync(members);

        state.State.Kind = kind;
        state.State.Members = members;
        state.State.OwnerUserId = kind == ConversationKind.Group ? creatorUserId : string.Empty;
        state.State.CreatedAt = time.GetUtcNow();
        await state.WriteStateAsync();
        await Task.WhenAll(members.Select(m => GrainFactory.GetGrain<IUserGrain>(m).AddConversationAsync(Id)));
        return Snapshot();
    }

    public Task<ConversationSnapshot> GetAsync(string callerUserId)
    {
        EnsureMember(callerUserId);
        return Task.FromResult(Snapshot());
    }

    public async Task<ConversationSnapshot> AddMemberAsync(string callerUserId, string userId)
    {
        EnsureMember(callerUserId);
        EnsureGroup();
        if (callerUserId != state.State.OwnerUserId)
        {
            throw new ForbiddenException("Only the group's owner may add members.");
        }

        if (state.State.Members.Contains(userId))
        {
            return Snapshot();
        }

        if (state.State.Members.Count >= _limits.MaxGroupMembers)
        {
            throw new LimitReachedException($"A group has at most {_limits.MaxGroupMembers} members.");
        }

        await EnsureUsersExistAsync([userId]);
        state.State.Members.Add(userId);
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IUserGrain>(userId).AddConversationAsync(Id);
        return Snapshot();
    }

    public async Task<ConversationSnapshot> RemoveMemberAsync(string callerUserId, string userId)
    {
        EnsureMember(callerUserId);
        EnsureGroup();
        if (callerUserId != state.State.OwnerUserId && callerUserId != userId)
        {
            throw new ForbiddenException("Only the owner may remove other members.");
        }

        if (userId == state.State.OwnerUserId)
        {
            throw new InvalidRequestException("The owner cannot leave the group.");
        }

        if (!state.State.Members.Remove(userId))
        {
            throw new NotFoundException("The user is not a member.");
        }

        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IUserGrain>(userId).RemoveConversationAsync(Id);
        return Snapshot();
    }

    public async Task<MessagePage> ReadAfterAsync(DeviceAddress reader, long afterSeq, int limit)
    {
        EnsureMember(reader.UserId);
        var pageSize = PageSize(limit);
        var rows = await store.ReadAfterAsync(Id, Math.Max(0, afterSeq), pageSize + 1);
        return ToPage(reader, rows, pageSize);
    }

    public async Task<MessagePage> ReadBeforeAsync(DeviceAddress reader, long beforeSeq, int limit)
    {
        EnsureMember(reader.UserId);
        var pageSize = PageSize(limit);
        var rows = await store.ReadBeforeAsync(Id, beforeSeq <= 0 ? long.MaxValue : beforeSeq, pageSize + 1);
        return ToPage(reader, rows, pageSize);
    }

    private MessagePage ToPage(DeviceAddress reader, IReadOnlyList<StoredMessage> rows, int pageSize)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        return new(rows.Take(pageSize).Select(r => MessageViews.ForDevice(r, reader, now)).ToArray(), rows.Count > pageSize, _lastSeq);
    }

    private int PageSize(int requested) => requested <= 0 ? _limits.MaxPageSize : Math.Min(requested, _limits.MaxPageSize);

    private ConversationSnapshot Snapshot() =>
        new(Id, state.State.Kind, state.State.Members.ToArray(), state.State.OwnerUserId, _lastSeq) { DisappearAfterMs = state.State.DisappearAfterMs };

    private void EnsureMember(string userId)
    {
        if (!state.State.Exists)
        {
            throw new NotFoundException("No such conversation.");
        }

        if (!state.State.Members.Contains(userId))
        {
            throw new ForbiddenException("Not a member of the conversation.");
        }
    }

    private void EnsureGroup()
    {
        if (state.State.Kind != ConversationKind.Group)
        {
            throw new InvalidRequestException("Members of a direct conversation cannot change.");
        }
    }

    private void ValidateNewMembers(ConversationKind kind, List<string> members)
    {
        switch (kind)
        {
            case ConversationKind.Direct when members.Count != 2 || Id != ConversationIds.ForDirect(members[0], members[1]):
                throw new InvalidRequestException("A direct conversation is between the creator and one other user.");
            case ConversationKind.Group when !Id.StartsWith("g_", StringComparison.Ordinal):
                throw new InvalidRequestException("Not a group conversation id.");
            case ConversationKind.Group when members.Count > _limits.MaxGroupMembers:
                throw new LimitReachedException($"A group has at most {_limits.MaxGroupMembers} members.");
            case ConversationKind.Direct or ConversationKind.Group:
                break;
            default:
                throw new InvalidRequestException("Unknown conversation kind.");
        }
    }

    private async Task EnsureUsersExistAsync(IReadOnlyCollection<string> userIds)
    {
        var profiles = await Task.WhenAll(userIds.Select(u => GrainFactory.GetGrain<IUserGrain>(u).GetProfileAsync()));
        if (profiles.Any(p => p is null))
        {
            throw new NotFoundException("A member does not exist.");
        }
    }
}
