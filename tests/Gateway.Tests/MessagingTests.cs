using Google.Protobuf;
using XChat.Protocol;
using XChat.TestSupport;

namespace XChat.Gateway.Tests;

[Collection(ServerCollection.Name)]
public sealed class MessagingTests(ServerFixture fixture)
{
    private Uri Server => fixture.Server.WebSocketUri;

    [Fact]
    public async Task Send_ToDirectConversation_AcksSeqAndPushesToRecipient()
    {
        var (alice, _) = await Users.RegisterAsync(Server);
        var (bob, bobIdentity) = await Users.RegisterAsync(Server);
        await using var _a = alice;
        await using var _b = bob;
        var conversation = await Users.CreateDirectAsync(alice, bobIdentity.UserId!);

        var ack = await alice.RequestAsync(Users.Send(conversation.ConversationId, "m1", [1, 2, 3]));
        var push = await bob.ReceiveAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1ul, ack.Send.Seq);
        Assert.False(ack.Send.Duplicate);
        Assert.NotNull(push);
        Assert.Equal(ServerFrame.BodyOneofCase.Push, push.BodyCase);
        Assert.Equal(1ul, push.Push.Message.Seq);
        Assert.Equal(new byte[] { 1, 2, 3 }, push.Push.Message.SharedCiphertext.ToByteArray());
    }

    [Fact]
    public async Task CreateDirect_Twice_ReturnsTheSameConversation()
    {
        var (alice, aliceIdentity) = await Users.RegisterAsync(Server);
        var (bob, bobIdentity) = await Users.RegisterAsync(Server);
        await using var _a = alice;
        await using var _b = bob;

        var first = await Users.CreateDirectAsync(alice, bobIdentity.UserId!);
        var second = await Users.CreateDirectAsync(bob, aliceIdentity.UserId!);

        Assert.Equal(first.ConversationId, second.ConversationId);
    }

    [Fact]
    public async Task Send_RetryWithSameClientMessageId_ReturnsSameSeqAndStoresOnce()
    {
        var (alice, _) = await Users.RegisterAsync(Server);
        var (bob, bobIdentity) = await Users.RegisterAsync(Server);
        await using var _a = alice;
        await using var _b = bob;
        var conversation = await Users.CreateDirectAsync(alice, bobIdentity.UserId!);

        var first = await alice.RequestAsync(Users.Send(conversation.ConversationId, "same", [7]));
        var retry = await alice.RequestAsync(Users.Send(conversation.ConversationId, "same", [7]));
        var page = await alice.RequestAsync(Users.Sync(conversation.ConversationId));

        Assert.Equal(first.Send.Seq, retry.Send.Seq);
        Assert.True(retry.Send.Duplicate, "a retry is reported as a duplicate");
        Assert.Single(page.Messages.Messages);
    }

    [Fact]
    public async Task SyncAndHistory_ManyMessages_PageInBothDirections()
    {
        var (alice, _) = await Users.RegisterAsync(Server);
        var (bob, bobIdentity) = await Users.RegisterAsync(Server);
        await using var _a = alice;
        await using var _b = bob;
        var id = (await Users.CreateDirectAsync(alice, bobIdentity.UserId!)).ConversationId;
        for (var i = 1; i <= 25; i++)
        {
            await alice.RequestAsync(Users.Send(id, $"m{i}", [(byte)i]));
        }

        var forward = await bob.RequestAsync(Users.Sync(id, afterSeq: 10, limit: 10));
        var backward = await bob.RequestAsync(new ClientFrame { History = new HistoryRequest { ConversationId = id, BeforeSeq = 0, Limit = 10 } });
        var oldest = await bob.RequestAsync(new ClientFrame { History = new HistoryRequest { ConversationId = id, BeforeSeq = 6, Limit = 10 } });

        Assert.Equal(Enumerable.Range(11, 10).Select(i => (ulong)i), forward.Messages.Messages.Select(m => m.Seq));
        Assert.True(forward.Messages.HasMore);
        Assert.Equal(25ul, forward.Messages.LastSeq);
        Assert.Equal(Enumerable.Range(16, 10).Reverse().Select(i => (ulong)i), backward.Messages.Messages.Select(m => m.Seq));
        Assert.Equal(new ulong[] { 5, 4, 3, 2, 1 }, oldest.Messages.Messages.Select(m => m.Seq));
        Assert.False(oldest.Messages.HasMore);
    }

    [Fact]
    public async Task Send_PerDeviceCiphertexts_EachDeviceSeesOnlyItsOwn()
    {
        var aliceHandle = Users.NewHandle();
        var (alice, aliceIdentity) = await Users.RegisterAsync(Server, aliceHandle);
        var (bob, bobIdentity) = await Users.RegisterAsync(Server);
        await using var _a = alice;
        await using var _b = bob;
        var (alice2, _) = await Linking.LinkAsync(Server, aliceHandle, alice, aliceIdentity);
        await using var _a2 = alice2;
        var id = (await Users.CreateDirectAsync(alice, bobIdentity.UserId!)).ConversationId;

        // Every device but the sending one: bob's, and alice's other device.
        var ack = await alice.RequestAsync(PerDevice(id, "pd", (bobIdentity.UserId!, 1, 0xB0), (aliceIdentity.UserId!, 2, 0xA2)));
        var bobView = await bob.RequestAsync(Users.Sync(id));
        var alice2View = await alice2.RequestAsync(Users.Sync(id));
        var aliceView = await alice.RequestAsync(Users.Sync(id));

        Assert.Equal(1ul, ack.Send?.Seq);
        Assert.Equal(new byte[] { 0xB0 }, Assert.Single(bobView.Messages.Messages).DeviceCiphertext.ToByteArray());
        Assert.Equal(new byte[] { 0xA2 }, Assert.Single(alice2View.Messages.Messages).DeviceCiphertext.ToByteArray());
        Assert.True(Assert.Single(aliceView.Messages.Messages).DeviceCiphertext.IsEmpty, "the sending device gets no ciphertext of its own");
    }

    [Fact]
    public async Task Send_PerDeviceCiphertextsMissingOrExtra_MismatchedDevicesWithListsAndNothingStored()
    {
        var aliceHandle = Users.NewHandle();
        var (alice, aliceIdentity) = await Users.RegisterAsync(Server, aliceHandle);
        var (bob, bobIdentity) = await Users.RegisterAsync(Server);
        await using var _a = alice;
        await using var _b = bob;
        var (alice2, _) = await Linking.LinkAsync(Server, aliceHandle, alice, aliceIdentity);
        await using var _a2 = alice2;
        var id = (await Users.CreateDirectAsync(alice, bobIdentity.UserId!)).ConversationId;

        var missing = await alice.RequestAsync(PerDevice(id, "m1", (bobIdentity.UserId!, 1, 1)));
        var extra = await alice.RequestAsync(PerDevice(id, "m2", (bobIdentity.UserId!, 1, 1), (aliceIdentity.UserId!, 2, 2), (bobIdentity.UserId!, 9, 9), (aliceIdentity.UserId!, 1, 3)));
        var page = await bob.RequestAsync(Users.Sync(id));

        Assert.Equal(ErrorCode.MismatchedDevices, missing.Error?.Code);
        Assert.Equal([(aliceIdentity.UserId!, 2u)], missing.Error!.Mismatched.Missing.Select(d => (d.UserId, d.DeviceId)));
        Assert.Empty(missing.Error.Mismatched.Extra);
        Assert.Equal(ErrorCode.MismatchedDevices, extra.Error?.Code);
        Assert.Empty(extra.Error!.Mismatched.Missing);
        Assert.Equal(
            new[] { (aliceIdentity.UserId!, 1u), (bobIdentity.UserId!, 9u) }.OrderBy(d => d.Item1, StringComparer.Ordinal),
            extra.Error.Mismatched.Extra.Select(d => (d.UserId, d.DeviceId)));
        Assert.Empty(page.Messages.Messages);
        Assert.Equal(0ul, page.Messages.LastSeq);
    }

    private static ClientFrame PerDevice(string conversationId, string clientMessageId, params (string UserId, uint DeviceId, byte Body)[] devices)
    {
        var send = new SendRequest { ConversationId = conversationId, ClientMessageId = clientMessageId };
        send.DeviceCiphertexts.AddRange(devices.Select(d => new DeviceCiphertext { UserId = d.UserId, DeviceId = d.DeviceId, Ciphertext = ByteString.CopyFrom([d.Body]) }));
        return new ClientFrame { Send = send };
    }

    [Fact]
    public async Task Ack_MovesCursorForwardOnly_AndListConversationsShowsIt()
    {
        var (alice, _) = await Users.RegisterAsync(Server);
        var (bob, bobIdentity) = await Users.RegisterAsync(Server);
        await using var _a = alice;
        await using var _b = bob;
        var id = (await Users.CreateDirectAsync(alice, bobIdentity.UserId!)).ConversationId;
        for (var i = 1; i <= 3; i++)
        {
            await alice.RequestAsync(Users.Send(id, $"a{i}", [1]));
        }

        var ack = await bob.RequestAsync(new ClientFrame { Ack = new AckRequest { ConversationId = id, Seq = 2 } });
        var backwards = await bob.RequestAsync(new ClientFrame { Ack = new AckRequest { ConversationId = id, Seq = 1 } });
        var beyond = await bob.RequestAsync(new ClientFrame { Ack = new AckRequest { ConversationId = id, Seq = 99 } });
        var list = await bob.RequestAsync(new ClientFrame { ListConversations = new ListConversationsRequest() });

        Assert.Equal(ServerFrame.BodyOneofCase.Ok, ack.BodyCase);
        Assert.Equal(ServerFrame.BodyOneofCase.Ok, backwards.BodyCase);
        Assert.Equal(ErrorCode.BadRequest, beyond.Error.Code);
        var info = Assert.Single(list.Conversations.Conversations);
        Assert.Equal(2ul, info.Cursor);
        Assert.Equal(3ul, info.LastSeq);
    }

    [Fact]
    public async Task Group_OwnerManagesMembers_NonOwnerCannotAdd_RemovedMemberCannotRead()
    {
        var (owner, _) = await Users.RegisterAsync(Server);
        var (member, memberIdentity) = await Users.RegisterAsync(Server);
        var (late, lateIdentity) = await Users.RegisterAsync(Server);
        await using var _o = owner;
        await using var _m = member;
        await using var _l = late;
        var created = await owner.RequestAsync(new ClientFrame
        {
            CreateConversation = new CreateConversationRequest { Kind = ConversationKind.Group, MemberUserIds = { memberIdentity.UserId } },
        });
        var id = created.Conversation.ConversationId;

        var byMember = await member.RequestAsync(new ClientFrame { AddMember = new AddMemberRequest { ConversationId = id, UserId = lateIdentity.UserId } });
        var byOwner = await owner.RequestAsync(new ClientFrame { AddMember = new AddMemberRequest { ConversationId = id, UserId = lateIdentity.UserId } });
        await owner.RequestAsync(Users.Send(id, "g1", [1]));
        var lateRead = await late.RequestAsync(Users.Sync(id));
        var removed = await owner.RequestAsync(new ClientFrame { RemoveMember = new RemoveMemberRequest { ConversationId = id, UserId = lateIdentity.UserId } });
        var afterRemoval = await late.RequestAsync(Users.Sync(id));

        Assert.Equal(ErrorCode.Forbidden, byMember.Error.Code);
        Assert.Contains(lateIdentity.UserId, byOwner.Conversation.MemberUserIds);
        Assert.Single(lateRead.Messages.Messages);
        Assert.DoesNotContain(lateIdentity.UserId, removed.Conversation.MemberUserIds);
        Assert.Equal(ErrorCode.Forbidden, afterRemoval.Error.Code);
    }
}
