using XChat.Protocol;

namespace XChat.Gateway.Tests;

/// <summary>DeleteMessage, MarkRead, GetReceipts, Block/Unblock and ListChats over the wire: results and error codes.</summary>
[Collection(ServerCollection.Name)]
public sealed class ContentOperationsTests(ServerFixture fixture)
{
    private Uri Server => fixture.Server.WebSocketUri;

    [Fact]
    public async Task DeleteMessage_BySenderGivesTombstone_ByOtherIsForbidden_UnknownSeqIsNotFound()
    {
        var (alice, _) = await Users.RegisterAsync(Server);
        var (bob, bobIdentity) = await Users.RegisterAsync(Server);
        await using var _a = alice;
        await using var _b = bob;
        var id = (await Users.CreateDirectAsync(alice, bobIdentity.UserId!)).ConversationId;
        await alice.RequestAsync(Users.Send(id, "m1", [1, 2, 3]));

        var byBob = await bob.RequestAsync(Delete(id, 1));
        var unknown = await alice.RequestAsync(Delete(id, 5));
        var malformed = await alice.RequestAsync(Delete("x", 1));
        var byAlice = await alice.RequestAsync(Delete(id, 1));
        var page = await bob.RequestAsync(Users.Sync(id));

        Assert.Equal(ErrorCode.Forbidden, byBob.Error?.Code);
        Assert.Equal(ErrorCode.NotFound, unknown.Error?.Code);
        Assert.Equal(ErrorCode.BadRequest, malformed.Error?.Code);
        Assert.Equal(ServerFrame.BodyOneofCase.Ok, byAlice.BodyCase);
        var tombstone = Assert.Single(page.Messages.Messages);
        Assert.True(tombstone.Deleted && tombstone.SharedCiphertext.IsEmpty, "sync returns the tombstone without ciphertext");
    }

    [Fact]
    public async Task MarkReadAndListChats_UnreadDrops_ReceiptsShowRead()
    {
        var (alice, aliceIdentity) = await Users.RegisterAsync(Server);
        var (bob, bobIdentity) = await Users.RegisterAsync(Server);
        await using var _a = alice;
        await using var _b = bob;
        var id = (await Users.CreateDirectAsync(alice, bobIdentity.UserId!)).ConversationId;
        await alice.RequestAsync(Users.Send(id, "m1", [1]));
        await alice.RequestAsync(Users.Send(id, "m2", [2]));

        var before = Assert.Single((await bob.RequestAsync(new ClientFrame { ListChats = new ListChatsRequest() })).Chats.Chats);
        var beyond = await bob.RequestAsync(MarkRead(id, 3));
        var read = await bob.RequestAsync(MarkRead(id, 1));
        var after = Assert.Single((await bob.RequestAsync(new ClientFrame { ListChats = new ListChatsRequest() })).Chats.Chats);
        var receipts = (await alice.RequestAsync(new ClientFrame { GetReceipts = new GetReceiptsRequest { ConversationId = id } })).Receipts;

        Assert.Equal((2ul, 0ul, 2ul), (before.Unread, before.ReadCursor, before.Conversation.LastSeq));
        Assert.True(before.LastActivityMs > 0);
        Assert.Equal(ErrorCode.BadRequest, beyond.Error?.Code);
        Assert.Equal(ServerFrame.BodyOneofCase.Ok, read.BodyCase);
        Assert.Equal((1ul, 1ul), (after.Unread, after.ReadCursor));
        var bobs = receipts.Devices.Single(d => d.UserId == bobIdentity.UserId);
        Assert.Equal(1ul, bobs.ReadSeq);
        Assert.Contains(receipts.Devices, d => d.UserId == aliceIdentity.UserId);
    }

    [Fact]
    public async Task GetReceipts_NeverCarriesADeliveryCursor_WhichOnlyItsOwnDeviceSees()
    {
        var (alice, _) = await Users.RegisterAsync(Server);
        var (bob, bobIdentity) = await Users.RegisterAsync(Server);
        await using var _a = alice;
        await using var _b = bob;
        var id = (await Users.CreateDirectAsync(alice, bobIdentity.UserId!)).ConversationId;
        await alice.RequestAsync(Users.Send(id, "m1", [1]));
        await alice.RequestAsync(Users.Send(id, "m2", [2]));
        await alice.RequestAsync(Users.Send(id, "m3", [3]));
        Assert.Equal(ServerFrame.BodyOneofCase.Ok, (await bob.RequestAsync(new ClientFrame { Ack = new AckRequest { ConversationId = id, Seq = 3 } })).BodyCase);
        await bob.RequestAsync(MarkRead(id, 1));

        var receipts = (await alice.RequestAsync(new ClientFrame { GetReceipts = new GetReceiptsRequest { ConversationId = id } })).Receipts;
        var own = Assert.Single((await bob.RequestAsync(new ClientFrame { ListConversations = new ListConversationsRequest() })).Conversations.Conversations);

        var bobs = receipts.Devices.Single(d => d.UserId == bobIdentity.UserId);
        // Parsing keeps fields this build does not know (field 3 is reserved), so equality with a receipt
        // built from the read cursor alone proves the wire carried nothing else.
        Assert.Equal(new DeviceReceipt { UserId = bobIdentity.UserId!, DeviceId = bobIdentity.DeviceId, ReadSeq = 1 }, bobs);
        Assert.True(receipts.Devices.All(d => d.CalculateSize() == new DeviceReceipt { UserId = d.UserId, DeviceId = d.DeviceId, ReadSeq = d.ReadSeq }.CalculateSize()),
            "no member's delivery cursor (bob acked 3) reaches other members");
        Assert.True(own.Cursor == 3, "a device still sees its own delivery cursor, to resume sync");
    }

    [Fact]
    public async Task Send_Silent_ToADeviceSubset_IsStoredAndSyncedSilent_NotUnread_SharedCiphertextIsBadRequest()
    {
        var (alice, aliceIdentity) = await Users.RegisterAsync(Server);
        var (bob, bobIdentity) = await Users.RegisterAsync(Server);
        await using var _a = alice;
        await using var _b = bob;
        var id = (await Users.CreateDirectAsync(alice, bobIdentity.UserId!)).ConversationId;
        await bob.RequestAsync(Users.Send(id, "b1", [1]));

        var shared = Users.Send(id, "s0", [9]);
        shared.Send.Silent = true;
        var refused = await alice.RequestAsync(shared);
        var silent = new ClientFrame { Send = new SendRequest { ConversationId = id, ClientMessageId = "s1", Silent = true } };
        silent.Send.DeviceCiphertexts.Add(new DeviceCiphertext { UserId = bobIdentity.UserId!, DeviceId = bobIdentity.DeviceId, Ciphertext = Google.Protobuf.ByteString.CopyFrom([7]) });
        var sent = await alice.RequestAsync(silent);
        var page = (await bob.RequestAsync(Users.Sync(id))).Messages;
        var chats = Assert.Single((await bob.RequestAsync(new ClientFrame { ListChats = new ListChatsRequest() })).Chats.Chats);

        Assert.Equal(ErrorCode.BadRequest, refused.Error?.Code);
        Assert.Equal(2ul, sent.Send.Seq);
        Assert.Equal([false, true], page.Messages.Select(m => m.Silent));
        Assert.Equal(new byte[] { 7 }, page.Messages[1].DeviceCiphertext.ToByteArray());
        Assert.Equal(aliceIdentity.UserId, page.Messages[1].SenderUserId);
        Assert.True(chats.Unread == 0 && chats.Conversation.LastSeq == 2, "bob sent the only chat message; alice's silent one is not unread");
    }

    [Fact]
    public async Task BlockUser_SendsGetBlocked_SelfOrMalformedIsBadRequest_UnblockRestores()
    {
        var (alice, aliceIdentity) = await Users.RegisterAsync(Server);
        var (bob, bobIdentity) = await Users.RegisterAsync(Server);
        await using var _a = alice;
        await using var _b = bob;
        var id = (await Users.CreateDirectAsync(alice, bobIdentity.UserId!)).ConversationId;

        Assert.Equal(ServerFrame.BodyOneofCase.Ok, (await alice.RequestAsync(Block(bobIdentity.UserId!))).BodyCase);
        var fromBob = await bob.RequestAsync(Users.Send(id, "b1", [1]));
        var fromAlice = await alice.RequestAsync(Users.Send(id, "a1", [1]));
        var self = await alice.RequestAsync(Block(aliceIdentity.UserId!));
        var malformed = await alice.RequestAsync(Block("nobody"));
        var unknown = await alice.RequestAsync(Block(new string('0', 32)));
        await alice.RequestAsync(new ClientFrame { UnblockUser = new UnblockUserRequest { UserId = bobIdentity.UserId! } });
        var afterUnblock = await bob.RequestAsync(Users.Send(id, "b2", [2]));

        Assert.Equal(ErrorCode.Blocked, fromBob.Error?.Code);
        Assert.Equal(ErrorCode.Blocked, fromAlice.Error?.Code);
        Assert.Equal(ErrorCode.BadRequest, self.Error?.Code);
        Assert.Equal(ErrorCode.BadRequest, malformed.Error?.Code);
        Assert.Equal(ErrorCode.NotFound, unknown.Error?.Code);
        Assert.True(afterUnblock.Send.Seq == 1, "the refused sends stored nothing");
    }

    private static ClientFrame Delete(string id, ulong seq) => new() { DeleteMessage = new DeleteMessageRequest { ConversationId = id, Seq = seq } };

    private static ClientFrame MarkRead(string id, ulong seq) => new() { MarkRead = new MarkReadRequest { ConversationId = id, Seq = seq } };

    private static ClientFrame Block(string userId) => new() { BlockUser = new BlockUserRequest { UserId = userId } };
}
