using Microsoft.Data.Sqlite;
using XChat.Client.Messaging;

namespace XChat.Integration.Tests.E2E;

/// <summary>
/// Replies, edits, deletes for everyone, reactions, receipts, blocking and the chat list between
/// XChatClient profiles through a real standalone server.
/// </summary>
public sealed class ContentTests : IAsyncLifetime
{
    private E2EWorld _world = null!;

    public async Task InitializeAsync() => _world = await E2EWorld.StartAsync("xchat-content-");

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task ReplyEditAndReactions_ReachThePeer_AndTheHistoryShowsTheirResult()
    {
        await using var alice = await _world.RegisterAsync("alice");
        await using var bob = await _world.RegisterAsync("bob");
        var first = await alice.SendTextAsync("bob", _world.Text("first"));
        Assert.Equal(_world.Text("first"), Assert.Single((await bob.SyncAsync()).Messages).Text);
        var conversation = first.Conversation;

        var reply = await bob.ReplyAsync(conversation, first.Seq, _world.Text("reply"));
        var edited = _world.Text("first-edited");
        await alice.EditAsync(conversation, first.Seq, edited);

        var atAlice = await alice.SyncAsync();
        Assert.Empty(atAlice.Failures);
        var got = Assert.Single(atAlice.Messages);
        Assert.True(got.Type == ChatMessageTypes.Text && got.ReplyTo == first.Seq && got.Seq == reply.Seq, "the peer receives the reply with the seq it quotes");

        var atBob = await bob.SyncAsync();
        var edit = Assert.Single(atBob.Messages);
        Assert.Equal((ChatMessageTypes.Edit, (long?)first.Seq, edited), (edit.Type, edit.Target, edit.Text));
        var bobsCopy = (await bob.HistoryAsync("alice")).Single(m => m.Seq == first.Seq);
        Assert.True(bobsCopy.Edited && bobsCopy.Text == edited, "the receiver's history holds the edited text");

        // Editing someone else's message is refused by the sender's client...
        await Assert.ThrowsAsync<XChatClientException>(() => bob.EditAsync(conversation, first.Seq, _world.Text("not-yours")));

        // ...and by the receiver, should a client send it anyway.
        var forged = await bob.SendBodyUncheckedAsync(conversation, MessageBody.ForEdit(first.Seq, _world.Text("forged"), "bob", DateTimeOffset.UtcNow));
        var rejected = await alice.SyncAsync();
        Assert.Empty(rejected.Messages);
        var failure = Assert.Single(rejected.Failures);
        Assert.Equal((MessageFailureKind.RejectedContent, forged), (failure.Kind, failure.Seq));
        Assert.Equal(edited, (await alice.HistoryAsync("bob")).Single(m => m.Seq == first.Seq).Text);

        // Reactions: one per user, replaced, then removed.
        await bob.ReactAsync(conversation, first.Seq, "👍");
        await bob.ReactAsync(conversation, first.Seq, "❤️");
        var reactions = (await alice.SyncAsync()).Messages;
        Assert.Equal(["👍", "❤️"], reactions.Select(m => m.Emoji));
        Assert.All(reactions, m => Assert.Equal((ChatMessageTypes.Reaction, (long?)first.Seq), (m.Type, m.Target)));
        var reacted = (await alice.HistoryAsync("bob")).Single(m => m.Seq == first.Seq);
        Assert.Equal(new Dictionary<string, string> { ["bob"] = "❤️" }, reacted.Reactions);

        await bob.RemoveReactionAsync(conversation, first.Seq);
        var removed = Assert.Single((await alice.SyncAsync()).Messages);
        Assert.True(removed.Removed, "the removal arrives as a reaction event with removed set");
        Assert.Empty((await alice.HistoryAsync("bob")).Single(m => m.Seq == first.Seq).Reactions);
        await Assert.ThrowsAsync<XChatClientException>(() => bob.ReactAsync(conversation, first.Seq, "not an emoji"));

        _world.AssertServerStorageHasNoMarker();
    }

    [Fact]
    public async Task DeleteForEveryone_ErasesTheCiphertextFromStorage_AndADeviceThatSyncsLaterSeesTheTombstone()
    {
        await using var alice = await _world.RegisterAsync("alice");
        await using var bob = await _world.RegisterAsync("bob");
        await using var bob2 = await _world.LinkAsync(bob, "bob2");
        var doomed = await alice.SendTextAsync("bob", _world.Text("doomed"));
        var kept = await alice.SendTextAsync("bob", _world.Text("kept"));
        var conversation = doomed.Conversation;
        Assert.Equal(2, (await bob.SyncAsync()).Messages.Count);
        Assert.True(RowHasCiphertext(conversation, doomed.Seq), "the message is stored as ciphertext before the delete");

        // Only the sender may delete for everyone: the server refuses bob.
        await Assert.ThrowsAsync<XChatClientException>(() => bob.DeleteForEveryoneAsync(conversation, doomed.Seq));
        Assert.True(RowHasCiphertext(conversation, doomed.Seq), "a refused delete changes nothing");

        await alice.DeleteForEveryoneAsync(conversation, doomed.Seq);

        Assert.False(RowHasCiphertext(conversation, doomed.Seq), "the deleted message's ciphertext is gone from the SQLite rows");
        Assert.True(RowHasCiphertext(conversation, kept.Seq), "the other message is untouched");

        // bob had it: the encrypted notice deletes his copy.
        var notice = Assert.Single((await bob.SyncAsync()).Messages);
        Assert.Equal((ChatMessageTypes.Delete, (long?)doomed.Seq), (notice.Type, notice.Target));
        var bobsCopy = (await bob.HistoryAsync("alice")).Single(m => m.Seq == doomed.Seq);
        Assert.True(bobsCopy.Deleted && bobsCopy.Text.Length == 0, "the receiver's copy is deleted");

        // bob2 syncs only now: the tombstone, then the kept message, then the notice (its target already gone).
        var late = await bob2.SyncAsync();
        Assert.Equal((ChatMessageTypes.Deleted, doomed.Seq), (late.Messages[0].Type, late.Messages[0].Seq));
        Assert.Equal(_world.Text("kept"), late.Messages[1].Text);
        Assert.DoesNotContain(late.Messages, m => m.Text == _world.Text("doomed"));
        Assert.True((await bob2.HistoryAsync("alice")).Single(m => m.Seq == doomed.Seq).Deleted, "the late device keeps a tombstone in its history");
        Assert.Equal(1, (await alice.HistoryAsync("bob")).Count(m => m.Deleted));
    }

    [Fact]
    public async Task DeleteForEveryone_InAGroup_ALateMemberStillReadsTheSendersNextMessages()
    {
        await using var alice = await _world.RegisterAsync("alice");
        await using var bob = await _world.RegisterAsync("bob");
        await using var carol = await _world.RegisterAsync("carol");
        var group = await alice.CreateGroupAsync("weekend", ["bob", "carol"]);
        await bob.SyncAsync();

        // bob's first group message carries his sender key to every member device; then he deletes it.
        var first = await bob.SendGroupTextAsync(group.Id, _world.Text("g-doomed"));
        var second = await bob.SendGroupTextAsync(group.Id, _world.Text("g-kept"));
        await bob.ReactAsync(group.Id, second.Seq, "🎉");
        await bob.DeleteForEveryoneAsync(group.Id, first.Seq);
        Assert.False(RowHasContent(group.Id, first.Seq), "the group message's content is gone from the SQLite row");

        // carol fetches everything only now: the tombstone, then bob's next message, which needs the key that came with the first.
        var late = await carol.SyncAsync();
        Assert.Empty(late.Failures);
        Assert.Contains(late.Messages, m => m.Type == ChatMessageTypes.Deleted && m.Seq == first.Seq);
        Assert.Contains(late.Messages, m => m.Text == _world.Text("g-kept"));
        Assert.DoesNotContain(late.Messages, m => m.Text == _world.Text("g-doomed"));
        var history = await carol.GroupHistoryAsync(group.Id);
        Assert.True(history.Single(m => m.Seq == first.Seq).Deleted, "the late member keeps a tombstone");
        Assert.Equal("🎉", history.Single(m => m.Seq == second.Seq).Reactions["bob"]);

        // alice only tries to delete bob's message: refused, nothing erased.
        await Assert.ThrowsAsync<XChatClientException>(() => alice.DeleteForEveryoneAsync(group.Id, second.Seq));
        Assert.True(RowHasContent(group.Id, second.Seq));
        _world.AssertServerStorageHasNoMarker();
    }

    [Fact]
    public async Task Receipts_DeliveredThenRead_AreVisibleToTheSender()
    {
        await using var alice = await _world.RegisterAsync("alice");
        await using var bob = await _world.RegisterAsync("bob");
        await alice.SendTextAsync("bob", _world.Text("r1"));
        var second = await alice.SendTextAsync("bob", _world.Text("r2"));
        var conversation = second.Conversation;

        var sent = Assert.Single(await alice.ReceiptsAsync(conversation, second.Seq));
        Assert.Equal(("bob", ReceiptState.Sent), (sent.Handle, sent.State));
        Assert.Empty((await alice.SyncAsync()).Receipts);

        // Bob's sync sends alice an encrypted receipt; alice knows of it once her sync received it.
        await bob.SyncAsync();
        var delivered = Assert.Single((await alice.SyncAsync()).Receipts);
        Assert.Equal((ReceiptState.Delivered, second.Seq, "bob"), (delivered.State, delivered.UpToSeq, delivered.Handle));
        Assert.Equal(ReceiptState.Delivered, Assert.Single(await alice.ReceiptsAsync(conversation, second.Seq)).State);

        await bob.MarkReadAsync(conversation);
        Assert.Equal(ReceiptState.Read, Assert.Single(await alice.ReceiptsAsync(conversation, second.Seq)).State);
        var read = Assert.Single((await alice.SyncAsync()).Receipts);
        Assert.Equal((ReceiptState.Read, second.Seq), (read.State, read.UpToSeq));
        Assert.Empty((await alice.SyncAsync()).Receipts);
    }

    [Fact]
    public async Task DeliveryReceipts_TravelEncryptedPerDevice_TheServerCannotTellWhatWasDelivered()
    {
        await using var alice = await _world.RegisterAsync("alice");
        await using var bob = await _world.RegisterAsync("bob");
        await using var alice2 = await _world.LinkAsync(alice, _world.Profile("alice2"));
        await alice.SendTextAsync("bob", _world.Text("d1"));
        var second = await alice.SendTextAsync("bob", _world.Text("d2"));
        var conversation = second.Conversation;
        Assert.Equal(2, ServerStorage.MessageCount(_world.Server.DatabasePath));

        // Bob's device fetches both: its sync sends one silent message, to alice's two devices only.
        var atBob = await bob.SyncAsync();
        Assert.Equal(2, atBob.Messages.Count);
        Assert.Equal(0, bob.ReceiptSendFailures);
        Assert.Equal(3, ServerStorage.MessageCount(_world.Server.DatabasePath));
        var row = ServerStorage.SilentRow(_world.Server.DatabasePath, conversation, 3) ?? throw new InvalidOperationException("no receipt row");
        Assert.True(row.Silent && !row.HasShared && row.DeviceCiphertexts is { Length: > 0 }, "a receipt is a silent row of per-device ciphertexts");
        Assert.Equal(bob.UserId, row.Sender);
        var addressed = XChat.Grains.Storage.DeviceCiphertextCodec.Decode(row.DeviceCiphertexts);
        Assert.Equal([(alice.UserId, alice.DeviceId), (alice.UserId, alice2.DeviceId)], addressed.Select(c => (c.UserId, c.DeviceId)).Order());
        foreach (var ciphertext in addressed.Select(c => System.Text.Encoding.UTF8.GetString(c.Ciphertext)))
        {
            // The receipt's JSON ({"type":"receipt","delivered":2,…}) is nowhere in clear.
            Assert.DoesNotContain("receipt", ciphertext);
            Assert.DoesNotContain($"\"delivered\":{second.Seq}", ciphertext);
        }

        // What the server stored is all the server shows: until alice's devices receive the receipt, it reads as sent.
        Assert.Equal(ReceiptState.Sent, (await alice.ReceiptsAsync(conversation, second.Seq)).Single(r => r.UserId == bob.UserId).State);
        var atAlice = await alice.SyncAsync();
        Assert.Empty(atAlice.Messages);
        Assert.Empty(atAlice.Failures);
        var delivered = Assert.Single(atAlice.Receipts);
        Assert.Equal((ReceiptState.Delivered, second.Seq, bob.UserId, bob.DeviceId), (delivered.State, delivered.UpToSeq, delivered.UserId, delivered.DeviceId));
        var states = await alice.ReceiptsAsync(conversation, second.Seq);
        Assert.Equal(ReceiptState.Delivered, states.Single(r => r.UserId == bob.UserId).State);
        Assert.True(states.Single(r => r.DeviceId == alice2.DeviceId && r.UserId == alice.UserId).State == ReceiptState.Sent, "own devices send no receipts for own messages");

        // The sender's other device got the receipt too; its own user's messages owe none.
        var atAlice2 = await alice2.SyncAsync();
        Assert.Empty(atAlice2.Failures);
        Assert.Equal(2, atAlice2.Messages.Count);
        var forBob = (await alice2.ReceiptsAsync(conversation, second.Seq)).Single(r => r.UserId == bob.UserId);
        Assert.Equal(ReceiptState.Delivered, forBob.State);

        // A receipt is never answered with a receipt, and a sync with nothing new sends nothing.
        Assert.Empty((await bob.SyncAsync()).Messages);
        Assert.Empty((await alice.SyncAsync()).Receipts);
        Assert.True(ServerStorage.MessageCount(_world.Server.DatabasePath) == 3, "no receipt of a receipt, none for own messages");

        // Receipts are not messages: not unread, not in any history.
        Assert.Equal(0L, Assert.Single(await alice.ChatsAsync()).Unread);
        Assert.Equal(2L, Assert.Single(await bob.ChatsAsync()).Unread);
        Assert.Equal(2, (await alice.HistoryAsync("bob")).Count);
        Assert.Equal(2, (await alice2.HistoryAsync("bob")).Count);
        Assert.Equal(2, (await bob.HistoryAsync("alice")).Count);
        _world.AssertServerStorageHasNoMarker();
    }

    [Fact]
    public async Task DeliveryReceipt_InAGroup_GoesToTheSendersDevicesOnly()
    {
        await using var alice = await _world.RegisterAsync("alice");
        await using var bob = await _world.RegisterAsync("bob");
        await using var carol = await _world.RegisterAsync("carol");
        var group = await alice.CreateGroupAsync(_world.Text("team"), ["bob", "carol"]);
        await bob.SyncAsync();
        await carol.SyncAsync();
        await alice.SyncAsync();
        var sent = await alice.SendGroupTextAsync(group.Id, _world.Text("hello-team"));

        Assert.Contains((await bob.SyncAsync()).Messages, m => m.Text == _world.Text("hello-team"));

        var lastSeq = (await bob.Connection.ListConversationsAsync()).Single(c => c.ConversationId == group.Id).LastSeq;
        var row = ServerStorage.SilentRow(_world.Server.DatabasePath, group.Id, (long)lastSeq) ?? throw new InvalidOperationException("no receipt row");
        Assert.True(row.Silent && row.Sender == bob.UserId, "bob's sync sent a silent receipt");
        Assert.Equal([(alice.UserId, alice.DeviceId)], XChat.Grains.Storage.DeviceCiphertextCodec.Decode(row.DeviceCiphertexts).Select(c => (c.UserId, c.DeviceId)));
        var atCarol = await carol.SyncAsync();
        Assert.Empty(atCarol.Failures); // bob's receipt is not for her: skipped quietly
        Assert.Empty(atCarol.Receipts);
        var atAlice = await alice.SyncAsync();
        Assert.Contains(atAlice.Receipts, r => (r.State, r.UserId, r.UpToSeq) == (ReceiptState.Delivered, bob.UserId, sent.Seq));
        var states = await alice.ReceiptsAsync(group.Id, sent.Seq);
        Assert.Equal(ReceiptState.Delivered, states.Single(r => r.UserId == bob.UserId).State);
        Assert.True(states.Single(r => r.UserId == carol.UserId).State == ReceiptState.Delivered, "carol's sync sent her receipt too");
    }

    [Fact]
    public async Task DeliveryReceipt_ThatTheServerRefuses_DoesNotFailTheSync()
    {
        await using var alice = await _world.RegisterAsync("alice");
        await using var bob = await _world.RegisterAsync("bob");
        await bob.SendTextAsync("alice", _world.Text("then-blocked"));
        await bob.BlockAsync("alice");

        var atAlice = await alice.SyncAsync();

        Assert.Equal([_world.Text("then-blocked")], atAlice.Messages.Select(m => m.Text));
        Assert.Empty(atAlice.Failures);
        Assert.True(alice.ReceiptSendFailures == 1, "the receipt was refused (BLOCKED) and dropped");
        Assert.Equal(1, ServerStorage.MessageCount(_world.Server.DatabasePath));
    }

    [Fact]
    public async Task DeliveryReceipt_RateLimitedPastItsDeadline_IsDroppedAndTheSyncGoesOn()
    {
        // One send per 100 s per device: alice's own send empties her bucket, so the receipt her sync
        // owes right after it is refused with RATE_LIMITED and a retry-after far past its deadline.
        await using var world = await E2EWorld.StartAsync("xchat-receipt-limit-", new Dictionary<string, string?>
        {
            ["XChat:Gateway:SendsPerSecond"] = "0.01",
            ["XChat:Gateway:SendBurst"] = "1",
        });
        await using var bob = await world.RegisterAsync("bob");
        var options = new XChat.Client.Transport.XChatConnectionOptions { ReceiptDeadline = TimeSpan.FromMilliseconds(100) };
        await using var alice = await XChatClient.RegisterAsync(world.Server.WebSocketUri, world.Profile("alice"), "alice", options: options);
        await bob.SendTextAsync("alice", world.Text("to-alice"));
        await alice.SendTextAsync("bob", world.Text("to-bob"));

        var atAlice = await alice.SyncAsync();

        Assert.Equal([world.Text("to-alice")], atAlice.Messages.Select(m => m.Text));
        Assert.True(alice.ReceiptSendFailures == 1, "the rate-limited receipt is dropped at its deadline instead of waiting");
        Assert.Equal(2, ServerStorage.MessageCount(world.Server.DatabasePath));
    }

    [Fact]
    public async Task DeliveryReceipt_ForADeviceTheSenderLinkedLater_ReachesIt()
    {
        await using var alice = await _world.RegisterAsync("alice");
        await using var bob = await _world.RegisterAsync("bob");
        await alice.SendTextAsync("bob", _world.Text("to-one-device")); // alice now remembers bob's one device
        await bob.SyncAsync();
        await alice.SyncAsync();
        await using var bob2 = await _world.LinkAsync(bob, _world.Profile("bob2"));
        var fromNew = await bob2.SendTextAsync("alice", _world.Text("from-the-new-device"));

        Assert.Equal([_world.Text("from-the-new-device")], (await alice.SyncAsync()).Messages.Select(m => m.Text));

        Assert.Equal(0, alice.ReceiptSendFailures);
        var lastSeq = (await alice.Connection.ListConversationsAsync()).Single().LastSeq;
        var row = ServerStorage.SilentRow(_world.Server.DatabasePath, fromNew.Conversation, (long)lastSeq) ?? throw new InvalidOperationException("no receipt row");
        var addressed = XChat.Grains.Storage.DeviceCiphertextCodec.Decode(row.DeviceCiphertexts).Select(c => (c.UserId, c.DeviceId)).Order();
        Assert.True(row.Silent);
        Assert.Equal([(bob.UserId, bob.DeviceId), (bob.UserId, bob2.DeviceId)], addressed);
        var atBob2 = await bob2.SyncAsync();
        Assert.Contains(atBob2.Receipts, r => r.State == ReceiptState.Delivered && r.UpToSeq == fromNew.Seq && r.UserId == alice.UserId);
    }

    [Fact]
    public async Task Open_AProfileWithReceiptCursorsInClientJson_MovesThemIntoTheEncryptedProfile()
    {
        await using (var bob = await _world.RegisterAsync("bob"))
        {
        }

        await using (var alice = await _world.RegisterAsync("alice"))
        {
            await alice.SendTextAsync("bob", _world.Text("m1"));
            await alice.SendTextAsync("bob", _world.Text("m2"));
        }

        // What an older client left in client.json: bob's device delivered 2 and read 1, both reported.
        var settingsPath = Path.Combine(_world.Profile("alice"), "client.json");
        var settings = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(settingsPath))!.AsObject();
        var conversation = settings["directConversations"]!.AsObject().Single().Value!.GetValue<string>();
        var bobId = settings["directConversations"]!.AsObject().Single().Key;
        settings["receiptCursors"] = new System.Text.Json.Nodes.JsonObject
        {
            [conversation] = new System.Text.Json.Nodes.JsonObject { [$"{bobId}/1"] = new System.Text.Json.Nodes.JsonArray(2, 1) },
        };
        File.WriteAllText(settingsPath, settings.ToJsonString());

        await using var reopened = await XChatClient.OpenAsync(_world.Profile("alice"));

        Assert.DoesNotContain("receiptCursors", File.ReadAllText(settingsPath));
        var record = reopened.Profile.Receipts.Get(conversation)[$"{bobId}/1"];
        Assert.Equal((2L, 2L, 1L), (record.Delivered, record.ReportedDelivered, record.ReportedRead));
        Assert.Equal(ReceiptState.Delivered, Assert.Single(await reopened.ReceiptsAsync(conversation, 2)).State);
        Assert.True((await reopened.SyncAsync()).Receipts.Count == 0, "what was reported before is not reported again");
    }

    [Fact]
    public async Task Block_RefusesDirectMessagesBothWays_UntilUnblocked_AndHidesGroupMessagesForTheBlocker()
    {
        await using var alice = await _world.RegisterAsync("alice");
        await using var bob = await _world.RegisterAsync("bob");
        await using var carol = await _world.RegisterAsync("carol");
        await bob.SendTextAsync("alice", _world.Text("before"));
        await alice.SyncAsync();

        await alice.BlockAsync("bob");

        var refused = await Assert.ThrowsAsync<XChatClientException>(() => bob.SendTextAsync("alice", _world.Text("blocked")));
        Assert.Contains("blocked", refused.Message);
        await Assert.ThrowsAsync<XChatClientException>(() => alice.SendTextAsync("bob", _world.Text("to-blocked")));
        Assert.Empty((await alice.SyncAsync()).Messages);
        Assert.Empty((await bob.SyncAsync()).Messages);

        // Groups still carry bob's messages; alice's client drops them, carol sees them.
        var group = await carol.CreateGroupAsync("g", ["alice", "bob"]);
        await alice.SyncAsync();
        await bob.SyncAsync();
        await bob.SendGroupTextAsync(group.Id, _world.Text("group-from-bob"));
        Assert.DoesNotContain((await alice.SyncAsync()).Messages, m => m.FromUserId == bob.UserId);
        Assert.Contains((await carol.SyncAsync()).Messages, m => m.Text == _world.Text("group-from-bob"));

        await alice.UnblockAsync("bob");
        await bob.SendTextAsync("alice", _world.Text("after"));
        Assert.Equal([_world.Text("after")], (await alice.SyncAsync()).Messages.Select(m => m.Text));
    }

    [Fact]
    public async Task Chats_ShowUnreadCountsAndLastActivity_ThatDropAfterReading()
    {
        await using var alice = await _world.RegisterAsync("alice");
        await using var bob = await _world.RegisterAsync("bob");
        await using var carol = await _world.RegisterAsync("carol");
        for (var i = 0; i < 3; i++)
        {
            await bob.SendTextAsync("alice", _world.Text($"b{i}"));
        }

        var last = await carol.SendTextAsync("alice", _world.Text("c"));
        await alice.SendTextAsync("carol", _world.Text("own"));
        await alice.SyncAsync();

        var chats = await alice.ChatsAsync();
        Assert.Equal(["carol", "bob"], chats.Select(c => c.Title));
        Assert.Equal([1L, 3L], chats.Select(c => c.Unread));
        Assert.True(chats[0].LastActivity >= last.SentAt.AddSeconds(-5) && chats[0].LastActivity >= chats[1].LastActivity, "the list is ordered by last activity");

        await alice.MarkReadAsync(chats[1].Conversation);
        Assert.Equal([1L, 0L], (await alice.ChatsAsync()).Select(c => c.Unread));

        await bob.SendTextAsync("alice", _world.Text("b3"));
        var again = await alice.ChatsAsync();
        Assert.Equal(("bob", 1L), (again[0].Title, again[0].Unread));
    }

    [Fact]
    public async Task EditsReactionsAndDeletes_AreDeliveredButNeitherUnreadNorActivity()
    {
        await using var alice = await _world.RegisterAsync("alice");
        await using var bob = await _world.RegisterAsync("bob");
        await using var carol = await _world.RegisterAsync("carol");
        var first = await alice.SendTextAsync("bob", _world.Text("first"));
        var second = await alice.SendTextAsync("bob", _world.Text("second"));
        var fromCarol = await carol.SendTextAsync("bob", _world.Text("carol"));
        await bob.SyncAsync();
        Assert.Equal(["carol", "alice"], (await bob.ChatsAsync()).Select(c => c.Title));

        await alice.EditAsync(first.Conversation, first.Seq, _world.Text("first-edited"));
        await alice.ReactAsync(first.Conversation, second.Seq, "👍");
        await alice.DeleteForEveryoneAsync(first.Conversation, second.Seq);

        var atBob = await bob.SyncAsync();
        Assert.Equal([ChatMessageTypes.Edit, ChatMessageTypes.Reaction, ChatMessageTypes.Delete], atBob.Messages.Select(m => m.Type));
        var chats = await bob.ChatsAsync();
        Assert.Equal(["carol", "alice"], chats.Select(c => c.Title)); // alice's chat did not move up
        var withAlice = chats.Single(c => c.Title == "alice");
        Assert.Equal(1L, withAlice.Unread); // "first" (edited); "second" is deleted; the changes are not unread
        Assert.True(withAlice.LastActivity <= fromCarol.SentAt.AddSeconds(5), "the changes did not move alice's last activity");
    }

    /// <summary>Reads the server's SQLite file: true when the row's shared ciphertext (a group message's content) is still there.</summary>
    private bool RowHasContent(string conversation, long seq)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _world.Server.DatabasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT shared_ciphertext IS NOT NULL FROM xchat_messages WHERE conversation_id = $c AND seq = $s";
        command.Parameters.AddWithValue("$c", conversation);
        command.Parameters.AddWithValue("$s", seq);
        return Convert.ToBoolean(command.ExecuteScalar() ?? throw new InvalidOperationException("no such row"), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Reads the server's SQLite file: true when the row still holds a ciphertext.</summary>
    private bool RowHasCiphertext(string conversation, long seq)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _world.Server.DatabasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT shared_ciphertext IS NOT NULL OR device_ciphertexts IS NOT NULL, deleted_ms IS NULL FROM xchat_messages WHERE conversation_id = $c AND seq = $s";
        command.Parameters.AddWithValue("$c", conversation);
        command.Parameters.AddWithValue("$s", seq);
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read(), "the row exists (a tombstone stays)");
        var hasCiphertext = reader.GetBoolean(0);
        Assert.Equal(hasCiphertext, reader.GetBoolean(1));
        return hasCiphertext;
    }
}
