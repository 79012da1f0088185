using XChat.Grains.Conversations;
using XChat.Grains.Errors;
using XChat.Grains.Users;

namespace XChat.Grains.Tests.Grains;

/// <summary>Group membership: who may change it, and what leaving takes away.</summary>
[Collection(ClusterCollection.Name)]
public sealed class GroupConversationTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Client;

    [Fact]
    public async Task CreateAsync_Group_OwnerIsCreatorAndEveryMemberIndexesIt()
    {
        var users = await TestUsers.RegisterManyAsync(Grains, 3);

        var conversation = await TestUsers.NewGroupAsync(Grains, users[0], users[1], users[2]);
        var snapshot = await conversation.GetAsync(users[2]);

        Assert.Equal(ConversationKind.Group, snapshot.Kind);
        Assert.Equal(users[0], snapshot.OwnerUserId);
        Assert.Equal(users.Order(StringComparer.Ordinal), snapshot.Members.Order(StringComparer.Ordinal));
        foreach (var user in users)
        {
            Assert.Contains(snapshot.ConversationId, await Grains.GetGrain<IUserGrain>(user).GetConversationsAsync());
        }
    }

    [Fact]
    public async Task AddMemberAsync_ByOwner_AddsMemberWhoCanReadTheLog()
    {
        var users = await TestUsers.RegisterManyAsync(Grains, 3);
        var conversation = await TestUsers.NewGroupAsync(Grains, users[0], users[1]);
        await conversation.AppendAsync(TestSends.Shared(users[1]));

        var snapshot = await conversation.AddMemberAsync(users[0], users[2]);

        Assert.Contains(users[2], snapshot.Members);
        Assert.Contains(snapshot.ConversationId, await Grains.GetGrain<IUserGrain>(users[2]).GetConversationsAsync());
        Assert.Single((await conversation.ReadAfterAsync(TestSends.Device(users[2]), 0, 10)).Messages);
    }

    [Fact]
    public async Task AddMemberAsync_ByNonOwner_ThrowsForbiddenAndChangesNothing()
    {
        var users = await TestUsers.RegisterManyAsync(Grains, 3);
        var conversation = await TestUsers.NewGroupAsync(Grains, users[0], users[1]);

        await Assert.ThrowsAsync<ForbiddenException>(() => conversation.AddMemberAsync(users[1], users[2]));

        Assert.DoesNotContain(users[2], (await conversation.GetAsync(users[0])).Members);
        Assert.Empty(await Grains.GetGrain<IUserGrain>(users[2]).GetConversationsAsync());
    }

    [Fact]
    public async Task AddMemberAsync_UnknownUser_ThrowsNotFound()
    {
        var owner = await TestUsers.RegisterAsync(Grains);
        var conversation = await TestUsers.NewGroupAsync(Grains, owner);

        await Assert.ThrowsAsync<NotFoundException>(() => conversation.AddMemberAsync(owner, Guid.NewGuid().ToString("N")));

        Assert.Equal([owner], (await conversation.GetAsync(owner)).Members);
    }

    [Fact]
    public async Task AddMemberAsync_DirectConversation_ThrowsInvalidRequest()
    {
        var (a, _, conversation) = await TestUsers.NewDirectAsync(Grains);
        var third = await TestUsers.RegisterAsync(Grains);

        await Assert.ThrowsAsync<InvalidRequestException>(() => conversation.AddMemberAsync(a, third));
    }

    [Fact]
    public async Task RemoveMemberAsync_MemberRemovesSelf_LeavesAndUnindexes()
    {
        var users = await TestUsers.RegisterManyAsync(Grains, 2);
        var conversation = await TestUsers.NewGroupAsync(Grains, users[0], users[1]);

        var snapshot = await conversation.RemoveMemberAsync(users[1], users[1]);

        Assert.Equal([users[0]], snapshot.Members);
        Assert.Empty(await Grains.GetGrain<IUserGrain>(users[1]).GetConversationsAsync());
        Assert.Contains(snapshot.ConversationId, await Grains.GetGrain<IUserGrain>(users[0]).GetConversationsAsync());
    }

    [Fact]
    public async Task RemoveMemberAsync_ByOwner_RemovedMemberCanNoLongerReadOrSend()
    {
        var users = await TestUsers.RegisterManyAsync(Grains, 3);
        var conversation = await TestUsers.NewGroupAsync(Grains, users[0], users[1], users[2]);
        await conversation.AppendAsync(TestSends.Shared(users[1]));

        await conversation.RemoveMemberAsync(users[0], users[1]);

        var removed = TestSends.Device(users[1]);
        await Assert.ThrowsAsync<ForbiddenException>(() => conversation.ReadAfterAsync(removed, 0, 10));
        await Assert.ThrowsAsync<ForbiddenException>(() => conversation.ReadBeforeAsync(removed, 0, 10));
        await Assert.ThrowsAsync<ForbiddenException>(() => conversation.AppendAsync(TestSends.Shared(users[1])));
        await Assert.ThrowsAsync<ForbiddenException>(() => conversation.GetAsync(users[1]));
        Assert.Empty(await Grains.GetGrain<IUserGrain>(users[1]).GetConversationsAsync());
        Assert.Equal(1, await fixture.Store.GetLastSeqAsync(conversation.GetPrimaryKeyString()));
    }

    [Fact]
    public async Task RemoveMemberAsync_NonOwnerRemovesAnother_ThrowsForbidden()
    {
        var users = await TestUsers.RegisterManyAsync(Grains, 3);
        var conversation = await TestUsers.NewGroupAsync(Grains, users[0], users[1], users[2]);

        await Assert.ThrowsAsync<ForbiddenException>(() => conversation.RemoveMemberAsync(users[1], users[2]));

        Assert.Contains(users[2], (await conversation.GetAsync(users[0])).Members);
    }

    [Fact]
    public async Task RemoveMemberAsync_OwnerRemovesSelf_ThrowsInvalidRequest()
    {
        var users = await TestUsers.RegisterManyAsync(Grains, 2);
        var conversation = await TestUsers.NewGroupAsync(Grains, users[0], users[1]);

        await Assert.ThrowsAsync<InvalidRequestException>(() => conversation.RemoveMemberAsync(users[0], users[0]));

        Assert.Equal(2, (await conversation.GetAsync(users[0])).Members.Count);
    }
}
