using Google.Protobuf;
using XChat.Client.Messaging;

namespace XChat.Integration.Tests.E2E;

/// <summary>Groups with Sender Keys through a real standalone server: every member device decrypts, removal rotates, joining reads only what follows.</summary>
public sealed class GroupTests : IAsyncLifetime
{
    private E2EWorld _world = null!;

    public async Task InitializeAsync() => _world = await E2EWorld.StartAsync("xchat-groups-");

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task TwoUsersThreeDevices_ExchangeGroupMessages_EveryDeviceDecryptsAll_AndServerStorageHasNoPlaintext()
    {
        await using var alice1 = await _world.RegisterAsync("alice");
        await using var bob = await _world.RegisterAsync("bob");
        await using var alice2 = await _world.LinkAsync(alice1, "alice2");

        var name = _world.Text("group-name");
        var group = await alice1.CreateGroupAsync(name, ["bob"]);
        Assert.StartsWith("g_", group.Id);
        Assert.Equal(name, group.Name);
        Assert.Equal(["alice", "bob"], group.Members.Order());

        // Each of the three devices sends; each message is one shared ciphertext, read by the two other devices.
        var sent = new List<string>();
        foreach (var (sender, label) in new[] { (alice1, "a1"), (bob, "b1"), (alice2, "a2"), (bob, "b2"), (alice1, "a3") })
        {
            var text = _world.Text(label);
            sent.Add(text);
            await sender.SendGroupTextAsync(group.Id, text);
            foreach (var reader in new[] { alice1, alice2, bob }.Where(c => c != sender))
            {
                var got = await reader.SyncAsync();
                Assert.Empty(got.Failures);
                var message = Assert.Single(got.Messages);
                Assert.Equal(text, message.Text);
                Assert.Equal(group.Id, message.Conversation);
                Assert.Equal(sender.Handle, message.From);
                Assert.Equal(name, message.GroupName);
            }
        }

        // The same history, in the same order, on every device; the same name and members everywhere.
        foreach (var device in new[] { alice1, alice2, bob })
        {
            var history = await device.GroupHistoryAsync(group.Id);
            Assert.Equal(sent, history.Select(m => m.Text));
            var listed = Assert.Single(await device.ListGroupsAsync());
            Assert.Equal(name, listed.Name);
            Assert.Equal("alice", listed.Owner);
            Assert.Equal(["alice", "bob"], listed.Members.Order());
        }

        // Neither the texts nor the group's name reached the server's storage.
        _world.AssertServerStorageHasNoMarker();
    }

    [Fact]
    public async Task RemovedMember_CannotDecryptMessagesSentAfterRemoval_WhileRemainingMembersDo()
    {
        await using var alice = await _world.RegisterAsync("alice");
        await using var bob = await _world.RegisterAsync("bob");
        await using var carol = await _world.RegisterAsync("carol");
        var group = await alice.CreateGroupAsync(_world.Text("team"), ["bob", "carol"]);

        // Everybody sends once, so every member holds everybody's sender key.
        foreach (var sender in new[] { alice, bob, carol })
        {
            await sender.SendGroupTextAsync(group.Id, _world.Text($"before-{sender.Handle}"));
            foreach (var reader in new[] { alice, bob, carol }.Where(c => c != sender))
            {
                Assert.Empty((await reader.SyncAsync()).Failures);
            }
        }

        Assert.Equal(3, (await carol.GroupHistoryAsync(group.Id)).Count);
        var lastSeqBefore = (ulong)(await bob.GroupHistoryAsync(group.Id)).Max(m => m.Seq);

        await alice.RemoveGroupMemberAsync(group.Id, "carol");
        var afterAlice = _world.Text("after-alice");
        var afterBob = _world.Text("after-bob");
        await alice.SendGroupTextAsync(group.Id, afterAlice);
        await bob.SendGroupTextAsync(group.Id, afterBob);

        // The remaining members read both, and see the new member list.
        var bobGot = await bob.SyncAsync();
        Assert.Empty(bobGot.Failures);
        Assert.Equal([afterAlice], bobGot.Messages.Select(m => m.Text));
        var aliceGot = await alice.SyncAsync();
        Assert.Empty(aliceGot.Failures);
        Assert.Equal([afterBob], aliceGot.Messages.Select(m => m.Text));
        Assert.Equal(["alice", "bob"], Assert.Single(await bob.ListGroupsAsync()).Members.Order());

        // Carol is no longer given the group by the server; and even holding the shared ciphertexts (as a
        // curious server could hand them over), her old sender keys do not open them: every sender rotated.
        Assert.Empty(await carol.ListGroupsAsync());
        Assert.Empty((await carol.SyncAsync()).Messages);
        // Delivery receipts (silent, per device) are interleaved; only the group's own messages matter here.
        var after = (await bob.Connection.SyncAsync(group.Id, lastSeqBefore)).Messages.Where(e => !e.Silent).ToList();
        Assert.Equal(3, after.Count); // alice's update naming the remaining members, then the two texts
        foreach (var envelope in after)
        {
            var shared = envelope.Clone();
            shared.DeviceCiphertext = ByteString.Empty;
            var failures = new List<MessageFailure>();
            Assert.Null(await carol.ProcessEnvelopeAsync(shared, failures));
            var failure = Assert.Single(failures);
            Assert.Equal(MessageFailureKind.NoSenderKey, failure.Kind);
        }

        Assert.DoesNotContain(await carol.GroupHistoryAsync(group.Id), m => m.Text == afterAlice || m.Text == afterBob);
    }

    [Fact]
    public async Task NewMember_ReadsOnlyMessagesSentAfterJoining()
    {
        await using var alice = await _world.RegisterAsync("alice");
        await using var bob = await _world.RegisterAsync("bob");
        await using var carol = await _world.RegisterAsync("carol");
        var name = _world.Text("club");
        var group = await alice.CreateGroupAsync(name, ["bob"]);
        var early = new[] { _world.Text("early-alice"), _world.Text("early-bob") };
        await alice.SendGroupTextAsync(group.Id, early[0]);
        await bob.SendGroupTextAsync(group.Id, early[1]);
        Assert.Empty((await bob.SyncAsync()).Failures);
        Assert.Empty((await alice.SyncAsync()).Failures);

        var added = await alice.AddGroupMemberAsync(group.Id, "carol");
        Assert.Equal(["alice", "bob", "carol"], added.Members.Order());
        var late = new[] { _world.Text("late-alice"), _world.Text("late-bob") };
        await alice.SendGroupTextAsync(group.Id, late[0]);
        Assert.Empty((await bob.SyncAsync()).Failures);
        await bob.SendGroupTextAsync(group.Id, late[1]);

        var carolGot = await carol.SyncAsync();
        Assert.Equal(late, carolGot.Messages.Select(m => m.Text));
        Assert.Equal(late, (await carol.GroupHistoryAsync(group.Id)).Select(m => m.Text));

        // What came before (the creation update and the early texts) stays closed to her, with a typed reason.
        Assert.NotEmpty(carolGot.Failures);
        Assert.All(carolGot.Failures, f => Assert.Equal(MessageFailureKind.NoSenderKey, f.Kind));
        Assert.All(carolGot.Failures, f => Assert.True(f.Seq < carolGot.Messages[0].Seq, "only messages from before she joined fail"));

        // She learned the name and members from the encrypted update that added her.
        var listed = Assert.Single(await carol.ListGroupsAsync());
        Assert.Equal(name, listed.Name);
        Assert.Equal(["alice", "bob", "carol"], listed.Members.Order());
        Assert.Equal([late[1]], (await alice.SyncAsync()).Messages.Select(m => m.Text));
        _world.AssertServerStorageHasNoMarker();
    }

    [Fact]
    public async Task NonOwner_CannotAddMembers_AndGetsAClientError()
    {
        await using var alice = await _world.RegisterAsync("alice");
        await using var bob = await _world.RegisterAsync("bob");
        await using var carol = await _world.RegisterAsync("carol");
        var group = await alice.CreateGroupAsync(_world.Text("owned"), ["bob"]);
        Assert.Empty((await bob.SyncAsync()).Failures);

        var error = await Assert.ThrowsAsync<XChatClientException>(() => bob.AddGroupMemberAsync(group.Id, "carol"));
        Assert.Contains("owner", error.Message);
        Assert.Equal(["alice", "bob"], Assert.Single(await alice.ListGroupsAsync()).Members.Order());
    }
}
