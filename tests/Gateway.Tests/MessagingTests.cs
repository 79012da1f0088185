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
        var (alice, aliceIdentity) = await Users.RegisterAsync(Server);
        var (bob, bobIdentity) = await Users.RegisterAsync(Server);
        await using var _a = alice;
        await using var _b = bob;
        var id = (await Users.CreateDirectAsync(alice, bobIdentity.UserId!)).ConversationId;
        var send = new ClientFrame
        {
            Send = new SendRequest
            {
                ConversationId = id,
                ClientMessageId = "pd",
                DeviceCiphertexts =
                {
                    new DeviceCiphertext { UserId = bobIdentity.UserId, DeviceId = 1, Ciphertext = ByteString.CopyFrom([0xB0]) },
                    new DeviceCiphertext { UserId = aliceIdentity.UserId, DeviceId = 1, Ciphertext = ByteString.CopyFrom([0xA0]) },
                },
            },
        };

        await alice.RequestAsync(send);
        var bobView = await bob.RequestAsync(Users.Sync(id));
        var aliceView = await alice.RequestAsync(Users.Sync(id));

        Assert.Equal(new byte[] { 0xB0 }, Assert.Single(bobView.Messages.Messages).DeviceCiphertext.ToByteArray());
        Assert.Equal(new byte[] { 0xA0 }, Assert.Single(aliceView.Messages.Messages).DeviceCiphertext.ToByteArray());
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
