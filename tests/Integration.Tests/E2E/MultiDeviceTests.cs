using XChat.Client.Messaging;

namespace XChat.Integration.Tests.E2E;

/// <summary>A user with two devices (the second linked and approved by the first) talks to a user with one, through a real standalone server.</summary>
public sealed class MultiDeviceTests : IAsyncLifetime
{
    private E2EWorld _world = null!;

    public async Task InitializeAsync() => _world = await E2EWorld.StartAsync("xchat-multidev-");

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task LinkedDevice_GetsEveryMessage_AndItsOwnSendsReachThePeerAndTheOtherOwnDevice()
    {
        await using var alice1 = await RegisterAsync("alice");
        await using var bob = await RegisterAsync("bob");
        await using var alice2 = await LinkAsync(alice1, "alice2");
        Assert.Equal(alice1.UserId, alice2.UserId);
        Assert.Equal("alice", alice2.Handle);
        Assert.NotEqual(alice1.DeviceId, alice2.DeviceId);
        Assert.True(XChatClient.Exists(Profile("alice2")));

        // Alice's first device sends to Bob (and a copy to her second device).
        var a1 = Text("a1");
        await alice1.SendTextAsync("bob", a1);
        var bobGot = await bob.SyncAsync();
        Assert.Empty(bobGot.Failures);
        Assert.Equal([a1], bobGot.Messages.Select(m => m.Text));
        Assert.Equal("alice", bobGot.Messages[0].From);

        // Bob answers: both of Alice's devices decrypt.
        var b1 = Text("b1");
        await bob.SendTextAsync("alice", b1);
        var alice1Got = await alice1.SyncAsync();
        Assert.Empty(alice1Got.Failures);
        Assert.Equal([b1], alice1Got.Messages.Select(m => m.Text));
        var alice2Got = await alice2.SyncAsync();
        Assert.Empty(alice2Got.Failures);
        Assert.Equal([a1, b1], alice2Got.Messages.Select(m => m.Text));
        Assert.Equal(["alice", "bob"], alice2Got.Messages.Select(m => m.From));

        // Alice's second device sends: Bob and her first device decrypt.
        var a2 = Text("a2");
        await alice2.SendTextAsync("bob", a2);
        bobGot = await bob.SyncAsync();
        Assert.Empty(bobGot.Failures);
        Assert.Equal([a2], bobGot.Messages.Select(m => m.Text));
        alice1Got = await alice1.SyncAsync();
        Assert.Empty(alice1Got.Failures);
        Assert.Equal([a2], alice1Got.Messages.Select(m => m.Text));
        Assert.Equal(alice1.UserId, alice1Got.Messages[0].FromUserId);

        // The ratchets keep turning in every direction.
        var b2 = Text("b2");
        await bob.SendTextAsync("alice", b2);
        Assert.Equal([b2], (await alice2.SyncAsync()).Messages.Select(m => m.Text));
        Assert.Equal([b2], (await alice1.SyncAsync()).Messages.Select(m => m.Text));

        string[] all = [a1, b1, a2, b2];
        Assert.Equal(all, (await alice1.HistoryAsync("bob")).Select(m => m.Text));
        Assert.Equal(all, (await alice2.HistoryAsync("bob")).Select(m => m.Text));
        Assert.Equal(all, (await bob.HistoryAsync("alice")).Select(m => m.Text));
        Assert.Equal(0, alice1.MismatchedDeviceRetries + alice2.MismatchedDeviceRetries + bob.MismatchedDeviceRetries);
    }

    [Fact]
    public async Task PeerWithAStaleDeviceList_RetriesOnMismatchedDevices_AndTheNewDeviceDecrypts()
    {
        await using var alice1 = await RegisterAsync("alice");
        await using var bob = await RegisterAsync("bob");

        // Bob writes to Alice while she has one device: his client knows one device and one session.
        var before = Text("before");
        await bob.SendTextAsync("alice", before);
        Assert.Equal([before], (await alice1.SyncAsync()).Messages.Select(m => m.Text));

        await using var alice2 = await LinkAsync(alice1, "alice2");

        // Bob's next send addresses only the old device: the server answers MISMATCHED_DEVICES, the client
        // looks again, starts a session with the new device and the retry goes through.
        var after = Text("after");
        var sent = await bob.SendTextAsync("alice", after);
        Assert.Equal(1, bob.MismatchedDeviceRetries);
        Assert.Equal(3, sent.Seq); // after alice1's delivery receipt for "before" (seq 2)

        var alice2Got = await alice2.SyncAsync();
        Assert.Equal([after], alice2Got.Messages.Select(m => m.Text));
        Assert.All(alice2Got.Failures, f => Assert.Equal(MessageFailureKind.NotAddressedToThisDevice, f.Kind));
        Assert.Equal("bob", alice2Got.Messages[0].From);
        var alice1Got = await alice1.SyncAsync();
        Assert.Empty(alice1Got.Failures);
        Assert.Equal([after], alice1Got.Messages.Select(m => m.Text));

        // Stored once on the server despite the retry (the other rows are the devices' silent receipts).
        Assert.Equal([before, after], (await bob.HistoryAsync("alice")).Select(m => m.Text));
        var log = (await bob.Connection.SyncAsync(sent.Conversation, 0)).Messages;
        Assert.Equal([1ul, 3ul], log.Where(e => !e.Silent).Select(e => e.Seq));

        // The new device answers; Bob's cached lists are fresh now, so no retry.
        var reply = Text("reply");
        await alice2.SendTextAsync("bob", reply);
        Assert.Equal([reply], (await bob.SyncAsync()).Messages.Select(m => m.Text));
        Assert.Equal([reply], (await alice1.SyncAsync()).Messages.Select(m => m.Text));
        Assert.Equal(1, bob.MismatchedDeviceRetries);
    }

    [Fact]
    public async Task ApproveLink_WithAnUnknownCode_FailsWithAClientError()
    {
        await using var alice1 = await RegisterAsync("alice");
        var error = await Assert.ThrowsAsync<XChatClientException>(() => alice1.ApproveLinkAsync("aaaaaaaa"));
        Assert.Contains("AAAAAAAA", error.Message);
    }

    private Task<XChatClient> LinkAsync(XChatClient approver, string profile) => _world.LinkAsync(approver, profile);

    private string Text(string name) => _world.Text(name);

    private string Profile(string name) => _world.Profile(name);

    private Task<XChatClient> RegisterAsync(string handle) => _world.RegisterAsync(handle);
}
