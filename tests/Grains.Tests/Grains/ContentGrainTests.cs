using XChat.Grains.Conversations;
using XChat.Grains.Devices;
using XChat.Grains.Errors;

namespace XChat.Grains.Tests.Grains;

/// <summary>Delete for everyone, read cursors, receipts, blocking and the chat list on the conversation and device grains.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ContentGrainTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Client;

    [Fact]
    public async Task DeleteMessageAsync_BySender_ErasesTheCiphertextAndLeavesATombstone()
    {
        var (a, b, conversation) = await TestUsers.NewDirectAsync(Grains);
        var id = conversation.GetPrimaryKeyString();
        await conversation.AppendAsync(TestSends.ForDevices(a, TestSends.Device(b)));
        await conversation.AppendAsync(TestSends.ForDevices(a, TestSends.Device(b)));

        await conversation.DeleteMessageAsync(TestSends.Device(a), 1);

        var rows = await fixture.Store.ReadAfterAsync(id, 0, 10);
        Assert.NotNull(rows[0].DeletedMs);
        Assert.True(rows[0].SharedCiphertext is null && rows[0].DeviceCiphertexts.Count == 0, "a deleted direct message keeps no ciphertext in the store");
        Assert.True(rows[1].DeletedMs is null && rows[1].DeviceCiphertexts.Count == 1, "only the deleted message is erased");
        var seen = await TestSends.ReadAllAsync(conversation, TestSends.Device(b));
        Assert.Equal([1L, 2L], seen.Select(m => m.Seq));
        Assert.True(seen[0].Deleted && seen[0].DeviceCiphertext is null, "a reader sees the tombstone, without ciphertext");
        Assert.False(seen[1].Deleted);

        // Deleting again changes nothing and is not an error.
        var deletedAt = rows[0].DeletedMs;
        await conversation.DeleteMessageAsync(TestSends.Device(a, 1), 1);
        Assert.Equal(deletedAt, (await fixture.Store.ReadAfterAsync(id, 0, 1))[0].DeletedMs);
    }

    [Fact]
    public async Task DeleteMessageAsync_ByAnotherMember_IsForbiddenAndErasesNothing()
    {
        var (a, b, conversation) = await TestUsers.NewDirectAsync(Grains);
        var sent = TestSends.ForDevices(a, TestSends.Device(b));
        await conversation.AppendAsync(sent);

        await Assert.ThrowsAsync<ForbiddenException>(() => conversation.DeleteMessageAsync(TestSends.Device(b), 1));

        var row = (await fixture.Store.ReadAfterAsync(conversation.GetPrimaryKeyString(), 0, 1))[0];
        Assert.True(row.DeletedMs is null, "only the sender may delete a message for everyone");
        Assert.Equal(sent.DeviceCiphertexts[0].Ciphertext, row.DeviceCiphertexts[0].Ciphertext);
    }

    [Fact]
    public async Task DeleteMessageAsync_UnknownSeqOrNonMember_IsRefused()
    {
        var (a, b, conversation) = await TestUsers.NewDirectAsync(Grains);
        await conversation.AppendAsync(TestSends.ForDevices(a, TestSends.Device(b)));
        var stranger = await TestUsers.RegisterAsync(Grains);

        await Assert.ThrowsAsync<NotFoundException>(() => conversation.DeleteMessageAsync(TestSends.Device(a), 2));
        await Assert.ThrowsAsync<NotFoundException>(() => conversation.DeleteMessageAsync(TestSends.Device(a), 0));
        await Assert.ThrowsAsync<ForbiddenException>(() => conversation.DeleteMessageAsync(TestSends.Device(stranger), 1));
    }

    [Fact]
    public async Task DeleteMessageAsync_InAGroup_KeepsTheSenderKeyDistributionsButNotTheContent()
    {
        var owner = await TestUsers.RegisterAsync(Grains);
        var member = await TestUsers.RegisterAsync(Grains);
        var group = await TestUsers.NewGroupAsync(Grains, owner, member);
        var send = TestSends.ForDevices(owner, TestSends.Device(member)) with { SharedCiphertext = [1, 2, 3] };
        await group.AppendAsync(send);

        await group.DeleteMessageAsync(TestSends.Device(owner), 1);

        var row = (await fixture.Store.ReadAfterAsync(group.GetPrimaryKeyString(), 0, 1))[0];
        Assert.True(row.DeletedMs is not null && row.SharedCiphertext is null, "the group message's content is erased");
        Assert.Equal(send.DeviceCiphertexts[0].Ciphertext, Assert.Single(row.DeviceCiphertexts).Ciphertext);
        var seen = Assert.Single(await TestSends.ReadAllAsync(group, TestSends.Device(member)));
        Assert.True(seen.Deleted && seen.SharedCiphertext is null && seen.DeviceCiphertext is not null, "later devices still get the sender key");
    }

    [Fact]
    public async Task GetChatAsync_CountsOthersMessagesAfterTheReadCursor_AndMarkReadLowersIt()
    {
        var (a, b, conversation) = await TestUsers.NewDirectAsync(Grains);
        var id = conversation.GetPrimaryKeyString();
        for (var i = 0; i < 3; i++)
        {
            await conversation.AppendAsync(TestSends.ForDevices(a, TestSends.Device(b)));
        }

        var last = await conversation.AppendAsync(TestSends.ForDevices(b, TestSends.Device(a)));
        var reader = Grains.GetGrain<IDeviceGrain>(TestSends.Device(b).Key);

        var before = await conversation.GetChatAsync(b, (await reader.GetReadCursorsAsync()).GetValueOrDefault(id));
        Assert.Equal(3, before.Unread);
        Assert.Equal(last.ServerTimestampMs, before.LastActivityMs);
        Assert.True((await conversation.GetChatAsync(a, 0)).Unread == 1, "a user's own messages are not unread for them");

        await reader.MarkReadAsync(id, 2);
        await reader.MarkReadAsync(id, 1); // never moves back
        var read = (await reader.GetReadCursorsAsync())[id];
        Assert.Equal(2, read);
        Assert.Equal(1, (await conversation.GetChatAsync(b, read)).Unread);

        await conversation.DeleteMessageAsync(TestSends.Device(a), 3);
        Assert.True((await conversation.GetChatAsync(b, read)).Unread == 0, "a deleted message is not unread");
    }

    [Fact]
    public async Task MarkReadAsync_IsDurable_InTheCursorTableUnderTheReadKey()
    {
        var (a, b, conversation) = await TestUsers.NewDirectAsync(Grains);
        var id = conversation.GetPrimaryKeyString();
        await conversation.AppendAsync(TestSends.ForDevices(a, TestSends.Device(b)));
        var device = TestSends.Device(b).Key;

        await Grains.GetGrain<IDeviceGrain>(device).MarkReadAsync(id, 1);

        Assert.Equal(1, (await fixture.Store.LoadCursorsAsync(device + DeviceGrain.ReadCursorSuffix))[id]);
        Assert.False((await fixture.Store.LoadCursorsAsync(device)).ContainsKey(id), "reading does not move the delivery cursor row");
    }

    [Fact]
    public async Task GetReceiptsAsync_ReportsEveryMemberDevicesReadCursor_NeverItsDeliveryCursor()
    {
        var (a, b, conversation) = await TestUsers.NewDirectAsync(Grains);
        var id = conversation.GetPrimaryKeyString();
        var second = (await TestUsers.AddDevicesAsync(Grains, b))[0];
        await conversation.AppendAsync(TestSends.ForDevices(a, TestSends.Device(b), TestSends.Device(b, second)));
        await conversation.AppendAsync(TestSends.ForDevices(a, TestSends.Device(b), TestSends.Device(b, second)));
        await Grains.GetGrain<IDeviceGrain>(TestSends.Device(b).Key).AckAsync(id, 2);
        await Grains.GetGrain<IDeviceGrain>(TestSends.Device(b).Key).MarkReadAsync(id, 1);
        await Grains.GetGrain<IDeviceGrain>(TestSends.Device(b, second).Key).MarkReadAsync(id, 2);

        var receipts = await conversation.GetReceiptsAsync(a);

        Assert.Equal(3, receipts.Count);
        Assert.True(receipts.Contains(new DeviceReceipt(b, 1, 1)), "the read cursor, not the delivery cursor (2) that the ack moved");
        Assert.Contains(new DeviceReceipt(b, second, 2), receipts);
        Assert.Contains(new DeviceReceipt(a, 1, 0), receipts);
        await Assert.ThrowsAsync<ForbiddenException>(async () => await conversation.GetReceiptsAsync(await TestUsers.RegisterAsync(Grains)));
    }

    [Fact]
    public async Task SetBlockAsync_RefusesDirectSendsBothWaysUntilUnblocked_AndStoresNothing()
    {
        var (a, b, conversation) = await TestUsers.NewDirectAsync(Grains);
        await conversation.AppendAsync(TestSends.ForDevices(b, TestSends.Device(a)));

        await conversation.SetBlockAsync(a, b, blocked: true);
        await conversation.SetBlockAsync(a, b, blocked: true); // twice is fine

        await Assert.ThrowsAsync<BlockedException>(() => conversation.AppendAsync(TestSends.ForDevices(b, TestSends.Device(a))));
        await Assert.ThrowsAsync<BlockedException>(() => conversation.AppendAsync(TestSends.ForDevices(a, TestSends.Device(b))));
        Assert.True((await conversation.GetAsync(a)).LastSeq == 1, "a refused send stores nothing");

        await conversation.SetBlockAsync(a, b, blocked: false);
        Assert.Equal(2, (await conversation.AppendAsync(TestSends.ForDevices(b, TestSends.Device(a)))).Seq);
    }

    [Fact]
    public async Task SetBlockAsync_BeforeTheConversationExists_StillApplies_AndGroupsAreNotAffected()
    {
        var a = await TestUsers.RegisterAsync(Grains);
        var b = await TestUsers.RegisterAsync(Grains);
        var direct = Grains.GetGrain<IConversationGrain>(ConversationIds.ForDirect(a, b));

        await direct.SetBlockAsync(a, b, blocked: true);
        await direct.CreateAsync(b, ConversationKind.Direct, [a]);

        await Assert.ThrowsAsync<BlockedException>(() => direct.AppendAsync(TestSends.ForDevices(b, TestSends.Device(a))));
        var group = await TestUsers.NewGroupAsync(Grains, b, a);
        Assert.Equal(1, (await group.AppendAsync(TestSends.Shared(b))).Seq);
    }

    [Fact]
    public async Task SetBlockAsync_OnAnotherPairsConversation_IsABadRequest()
    {
        var (a, b, conversation) = await TestUsers.NewDirectAsync(Grains);
        var c = await TestUsers.RegisterAsync(Grains);

        await Assert.ThrowsAsync<InvalidRequestException>(() => conversation.SetBlockAsync(a, c, blocked: true));
        await Assert.ThrowsAsync<NotFoundException>(() =>
            Grains.GetGrain<IConversationGrain>(ConversationIds.ForDirect(a, new string('f', 32))).SetBlockAsync(a, new string('f', 32), blocked: true));
        Assert.Equal(1, (await conversation.AppendAsync(TestSends.ForDevices(b, TestSends.Device(a)))).Seq);
    }
}
