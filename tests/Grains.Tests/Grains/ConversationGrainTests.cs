using XChat.Grains.Conversations;
using XChat.Grains.Errors;
using XChat.Grains.Users;

namespace XChat.Grains.Tests.Grains;

/// <summary>Creating direct conversations and who may touch them.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ConversationGrainTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Client;

    [Fact]
    public async Task CreateAsync_DirectBetweenExistingUsers_ReturnsBothMembersAndRecordsIt()
    {
        var a = await TestUsers.RegisterAsync(Grains);
        var b = await TestUsers.RegisterAsync(Grains);
        var id = ConversationIds.ForDirect(a, b);

        var snapshot = await Grains.GetGrain<IConversationGrain>(id).CreateAsync(a, ConversationKind.Direct, [b]);

        Assert.Equal(id, snapshot.ConversationId);
        Assert.Equal(ConversationKind.Direct, snapshot.Kind);
        Assert.Equal(new[] { a, b }.Order(StringComparer.Ordinal), snapshot.Members.Order(StringComparer.Ordinal));
        Assert.Equal(0, snapshot.LastSeq);
        Assert.Contains(id, await Grains.GetGrain<IUserGrain>(a).GetConversationsAsync());
        Assert.Contains(id, await Grains.GetGrain<IUserGrain>(b).GetConversationsAsync());
    }

    [Fact]
    public async Task CreateAsync_DirectRepeatedByEitherUser_ReturnsTheSameConversation()
    {
        var (a, b, conversation) = await TestUsers.NewDirectAsync(Grains);
        await conversation.AppendAsync(TestSends.Shared(a));

        var again = await conversation.CreateAsync(a, ConversationKind.Direct, [b]);
        var fromOtherSide = await Grains.GetGrain<IConversationGrain>(ConversationIds.ForDirect(b, a)).CreateAsync(b, ConversationKind.Direct, [a]);

        Assert.Equal(conversation.GetPrimaryKeyString(), fromOtherSide.ConversationId);
        Assert.True(again.LastSeq == 1 && fromOtherSide.LastSeq == 1, "creating a direct conversation again must find the existing one, log included");
    }

    [Fact]
    public async Task CreateAsync_DirectByBothUsersAtOnce_BothGetTheSameConversation()
    {
        var a = await TestUsers.RegisterAsync(Grains);
        var b = await TestUsers.RegisterAsync(Grains);
        var conversation = Grains.GetGrain<IConversationGrain>(ConversationIds.ForDirect(a, b));

        var snapshots = await Task.WhenAll(
            conversation.CreateAsync(a, ConversationKind.Direct, [b]),
            conversation.CreateAsync(b, ConversationKind.Direct, [a]));

        Assert.All(snapshots, s => Assert.Equal(conversation.GetPrimaryKeyString(), s.ConversationId));
        Assert.Equal([conversation.GetPrimaryKeyString()], await Grains.GetGrain<IUserGrain>(a).GetConversationsAsync());
    }

    [Fact]
    public async Task CreateAsync_DirectWithUnknownUser_ThrowsNotFoundAndCreatesNothing()
    {
        var a = await TestUsers.RegisterAsync(Grains);
        var ghost = Guid.NewGuid().ToString("N");
        var conversation = Grains.GetGrain<IConversationGrain>(ConversationIds.ForDirect(a, ghost));

        await Assert.ThrowsAsync<NotFoundException>(() => conversation.CreateAsync(a, ConversationKind.Direct, [ghost]));

        await Assert.ThrowsAsync<NotFoundException>(() => conversation.GetAsync(a));
        Assert.Empty(await Grains.GetGrain<IUserGrain>(a).GetConversationsAsync());
    }

    [Fact]
    public async Task CreateAsync_DirectUnderAnotherId_ThrowsInvalidRequest()
    {
        var a = await TestUsers.RegisterAsync(Grains);
        var b = await TestUsers.RegisterAsync(Grains);
        var conversation = Grains.GetGrain<IConversationGrain>(ConversationIds.NewGroup());

        await Assert.ThrowsAsync<InvalidRequestException>(() => conversation.CreateAsync(a, ConversationKind.Direct, [b]));
    }

    [Fact]
    public async Task GetAsync_NonMember_ThrowsForbidden()
    {
        var (_, _, conversation) = await TestUsers.NewDirectAsync(Grains);
        var outsider = await TestUsers.RegisterAsync(Grains);

        await Assert.ThrowsAsync<ForbiddenException>(() => conversation.GetAsync(outsider));
    }

    [Fact]
    public async Task AppendAsync_NonMember_ThrowsForbiddenAndStoresNothing()
    {
        var (a, _, conversation) = await TestUsers.NewDirectAsync(Grains);
        var outsider = await TestUsers.RegisterAsync(Grains);

        await Assert.ThrowsAsync<ForbiddenException>(() => conversation.AppendAsync(TestSends.Shared(outsider)));

        Assert.Equal(0, await fixture.Store.GetLastSeqAsync(conversation.GetPrimaryKeyString()));
        Assert.Equal(0, (await conversation.GetAsync(a)).LastSeq);
    }

    [Fact]
    public async Task ReadAsync_NonMember_ThrowsForbidden()
    {
        var (a, _, conversation) = await TestUsers.NewDirectAsync(Grains);
        await conversation.AppendAsync(TestSends.Shared(a));
        var outsider = TestSends.Device(await TestUsers.RegisterAsync(Grains));

        await Assert.ThrowsAsync<ForbiddenException>(() => conversation.ReadAfterAsync(outsider, 0, 10));
        await Assert.ThrowsAsync<ForbiddenException>(() => conversation.ReadBeforeAsync(outsider, 0, 10));
    }

    [Fact]
    public async Task Calls_UnknownConversation_ThrowNotFound()
    {
        var a = await TestUsers.RegisterAsync(Grains);
        var conversation = Grains.GetGrain<IConversationGrain>(ConversationIds.NewGroup());

        await Assert.ThrowsAsync<NotFoundException>(() => conversation.GetAsync(a));
        await Assert.ThrowsAsync<NotFoundException>(() => conversation.AppendAsync(TestSends.Shared(a)));
        await Assert.ThrowsAsync<NotFoundException>(() => conversation.ReadAfterAsync(TestSends.Device(a), 0, 10));
        await Assert.ThrowsAsync<NotFoundException>(() => conversation.ReadBeforeAsync(TestSends.Device(a), 0, 10));
        Assert.Equal(0, await fixture.Store.GetLastSeqAsync(conversation.GetPrimaryKeyString()));
    }
}
