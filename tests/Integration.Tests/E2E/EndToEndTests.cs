using System.Text;
using Google.Protobuf;
using XChat.Client.Messaging;
using XChat.Protocol;

namespace XChat.Integration.Tests.E2E;

/// <summary>Two users with XChatClient profiles talk through a real standalone server: everything decrypts, the server sees no plaintext.</summary>
public sealed class EndToEndTests : IAsyncLifetime
{
    private E2EWorld _world = null!;

    public async Task InitializeAsync() => _world = await E2EWorld.StartAsync("xchat-e2e-");

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task TwoUsers_ExchangeMessagesBothWays_EveryMessageDecrypts_AndServerStorageHasNoPlaintext()
    {
        await using var alice = await RegisterAsync("alice");
        await using var bob = await RegisterAsync("bob");

        var fromAlice = new[] { Text("a1"), Text("a2"), Text("a3") };
        foreach (var t in fromAlice)
        {
            await alice.SendTextAsync("bob", t);
        }

        var bobGot = await bob.SyncAsync();
        Assert.Empty(bobGot.Failures);
        Assert.Equal(fromAlice, bobGot.Messages.Select(m => m.Text));
        Assert.All(bobGot.Messages, m => Assert.Equal("alice", m.From));

        var fromBob = new[] { Text("b1"), Text("b2") };
        foreach (var t in fromBob)
        {
            await bob.SendTextAsync("alice", t);
        }

        var aliceGot = await alice.SyncAsync();
        Assert.Empty(aliceGot.Failures);
        Assert.Equal(fromBob, aliceGot.Messages.Select(m => m.Text));
        Assert.All(aliceGot.Messages, m => Assert.Equal("bob", m.From));

        // Interleaved: both ratchets turn.
        var a4 = Text("a4");
        var b3 = Text("b3");
        await alice.SendTextAsync("bob", a4);
        await bob.SendTextAsync("alice", b3);
        Assert.Equal([a4], (await bob.SyncAsync()).Messages.Select(m => m.Text));
        Assert.Equal([b3], (await alice.SyncAsync()).Messages.Select(m => m.Text));
        Assert.Empty((await bob.SyncAsync()).Messages);

        string[] all = [.. fromAlice, .. fromBob, a4, b3];
        var aliceHistory = await alice.HistoryAsync("bob");
        var bobHistory = await bob.HistoryAsync("alice");
        Assert.Equal([.. fromAlice, .. fromBob, a4, b3], aliceHistory.Select(m => m.Text));
        Assert.Equal(aliceHistory.Select(m => (m.Seq, m.Text, m.From)), bobHistory.Select(m => (m.Seq, m.Text, m.From)));
        // Every seq of the log is one of these messages or a delivery receipt (silent, never in a history).
        var conversation = aliceHistory[0].Conversation;
        var log = (await alice.Connection.SyncAsync(conversation, 0)).Messages;
        Assert.Equal(aliceHistory.Select(m => (ulong)m.Seq), log.Where(e => !e.Silent).Select(e => e.Seq));
        Assert.Equal(Enumerable.Range(1, log.Count).Select(i => (ulong)i), log.Select(e => e.Seq));
        Assert.True(log.Count(e => e.Silent) == 4, "one receipt per sync that fetched the other's messages");

        // Safety numbers agree from both sides.
        Assert.Equal((await alice.SafetyNumberAsync("bob")).Digits, (await bob.SafetyNumberAsync("alice")).Digits);

        // The server's SQLite database and its WAL never saw a plaintext marker (nor the client profiles).
        _world.AssertServerStorageHasNoMarker();
        _world.AssertNoMarker(ProfileFiles("alice").Concat(ProfileFiles("bob")).ToArray());
    }

    [Fact]
    public async Task MessagesProcessedOutOfOrder_AllDecrypt_AndLaterSyncsContinue()
    {
        await using var alice = await RegisterAsync("alice");
        await using var bob = await RegisterAsync("bob");
        var texts = Enumerable.Range(1, 5).Select(i => Text($"o{i}")).ToArray();
        foreach (var t in texts)
        {
            await alice.SendTextAsync("bob", t);
        }

        // Bob reads the raw envelopes and handles them newest first (the first one is the PreKey message).
        var conversation = (await bob.Connection.ListConversationsAsync()).Single().ConversationId;
        var page = await bob.Connection.SyncAsync(conversation, 0);
        Assert.Equal(5, page.Messages.Count);
        var failures = new List<MessageFailure>();
        var decrypted = new List<string>();
        foreach (var envelope in page.Messages.Reverse())
        {
            var message = await bob.ProcessEnvelopeAsync(envelope, failures);
            decrypted.Add(message!.Text);
        }

        Assert.Empty(failures);
        Assert.Equal(texts.Reverse(), decrypted);
        Assert.Equal(texts, (await bob.HistoryAsync("alice")).Select(m => m.Text));

        // A gap: messages 6 and 8 handled, then 7.
        var later = Enumerable.Range(6, 3).Select(i => Text($"o{i}")).ToArray();
        foreach (var t in later)
        {
            await alice.SendTextAsync("bob", t);
        }

        var next = (await bob.Connection.SyncAsync(conversation, 5)).Messages;
        Assert.Equal(later[0], (await bob.ProcessEnvelopeAsync(next[0]))!.Text);
        Assert.Equal(later[2], (await bob.ProcessEnvelopeAsync(next[2]))!.Text);
        Assert.Equal(later[1], (await bob.ProcessEnvelopeAsync(next[1]))!.Text);

        // Bob answers and Alice reads it by sync.
        var reply = Text("reply");
        await bob.SendTextAsync("alice", reply);
        Assert.Equal([reply], (await alice.SyncAsync()).Messages.Select(m => m.Text));
    }

    [Fact]
    public async Task TamperedCiphertext_IsRejectedWithTypedFailure_AndTheSessionStillWorks()
    {
        await using var alice = await RegisterAsync("alice");
        await using var bob = await RegisterAsync("bob");
        var first = Text("first");
        await alice.SendTextAsync("bob", first);
        Assert.Equal([first], (await bob.SyncAsync()).Messages.Select(m => m.Text));
        var conversation = (await bob.Connection.ListConversationsAsync()).Single().ConversationId;

        // Garbage, and a well-formed frame (Whisper type) with garbage inside, sent through the raw connection.
        foreach (var bytes in new[] { Encoding.UTF8.GetBytes("garbage garbage garbage"), [2, 1, .. new byte[120]] })
        {
            var request = new SendRequest { ConversationId = conversation, ClientMessageId = Guid.NewGuid().ToString("N") };
            request.DeviceCiphertexts.Add(new DeviceCiphertext { UserId = bob.UserId, DeviceId = bob.DeviceId, Ciphertext = ByteString.CopyFrom(bytes) });
            await alice.Connection.SendAsync(request);
        }

        var tampered = await bob.SyncAsync();
        Assert.Empty(tampered.Messages);
        Assert.Equal(2, tampered.Failures.Count);
        Assert.All(tampered.Failures, f => Assert.Equal(MessageFailureKind.InvalidMessage, f.Kind));

        var after = Text("after");
        await alice.SendTextAsync("bob", after);
        var synced = await bob.SyncAsync();
        Assert.Empty(synced.Failures);
        Assert.Equal([after], synced.Messages.Select(m => m.Text));
        var back = Text("back");
        await bob.SendTextAsync("alice", back);
        Assert.Equal([back], (await alice.SyncAsync()).Messages.Select(m => m.Text));
    }

    [Fact]
    public async Task Session_SurvivesRestartOfBothClientsAndTheServer()
    {
        var before = new[] { Text("before-a"), Text("before-b") };
        await using (var alice = await RegisterAsync("alice"))
        await using (var bob = await RegisterAsync("bob"))
        {
            await alice.SendTextAsync("bob", before[0]);
            Assert.Single((await bob.SyncAsync()).Messages);
            await bob.SendTextAsync("alice", before[1]);
            Assert.Single((await alice.SyncAsync()).Messages);
        }

        await _world.RestartServerAsync();

        await using var alice2 = await XChatClient.OpenAsync(Profile("alice"));
        await using var bob2 = await XChatClient.OpenAsync(Profile("bob"));
        var afterA = Text("after-a");
        var afterB = Text("after-b");
        await alice2.SendTextAsync("bob", afterA);
        var bobGot = await bob2.SyncAsync();
        Assert.Empty(bobGot.Failures);
        Assert.Equal([afterA], bobGot.Messages.Select(m => m.Text));
        await bob2.SendTextAsync("alice", afterB);
        Assert.Equal([afterB], (await alice2.SyncAsync()).Messages.Select(m => m.Text));

        Assert.Equal([before[0], before[1], afterA, afterB], (await alice2.HistoryAsync("bob")).Select(m => m.Text));
        Assert.Equal([before[0], before[1], afterA, afterB], (await bob2.HistoryAsync("alice")).Select(m => m.Text));
        _world.AssertServerStorageHasNoMarker();
    }

    private string Text(string name) => _world.Text(name);

    private string Profile(string handle) => _world.Profile(handle);

    private IEnumerable<string> ProfileFiles(string handle) => Directory.GetFiles(Profile(handle));

    private Task<XChatClient> RegisterAsync(string handle) => _world.RegisterAsync(handle);
}
