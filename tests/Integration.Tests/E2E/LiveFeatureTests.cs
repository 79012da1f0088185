using System.Security.Cryptography;
using Google.Protobuf;
using XChat.Client.Messaging;
using XChat.Client.Transport;
using XChat.Grains.Attachments;
using XChat.Protocol;

namespace XChat.Integration.Tests.E2E;

/// <summary>Typing, presence, disappearing messages and attachments through a real standalone server, storage looked at directly.</summary>
public sealed class LiveFeatureTests
{
    /// <summary>Fast sweeps so that tests wait seconds, not minutes.</summary>
    private static readonly Dictionary<string, string?> FastSweeps = new()
    {
        ["XChat:Sweep:ExpiredMessageSweepInterval"] = "00:00:00.300",
        ["XChat:Sweep:AttachmentSweepInterval"] = "00:00:00.300",
        ["XChat:Sweep:UnreferencedAttachmentLifetime"] = "00:00:03",
    };

    [Fact]
    public async Task Typing_PushedToOnlineMember_LeavesNoRowAndNoState()
    {
        await using var world = await E2EWorld.StartAsync("xchat-live-typing-", FastSweeps);
        await using var alice = await world.RegisterAsync("alice");
        await using var bob = await world.RegisterAsync("bob");
        await alice.SendTextAsync("bob", world.Text("hello"));
        await bob.SyncAsync();
        var received = new TaskCompletionSource<TypingPush>(TaskCreationOptions.RunContinuationsAsynchronously);
        bob.Connection.TypingReceived += t => received.TrySetResult(t);
        var rowsBefore = ServerStorage.MessageCount(world.Server.DatabasePath);
        var stateBefore = ServerStorage.GrainStateFingerprint(world.Server.DatabasePath);

        await alice.SendTypingAsync("bob", null, typing: true);
        var push = await received.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(alice.UserId, push.UserId);
        Assert.Equal(alice.DeviceId, push.DeviceId);
        Assert.True(push.Typing);
        Assert.StartsWith("d_", push.ConversationId);
        await Task.Delay(500); // let anything a typing indicator might (wrongly) write reach the file
        Assert.Equal(rowsBefore, ServerStorage.MessageCount(world.Server.DatabasePath));
        Assert.Equal(stateBefore, ServerStorage.GrainStateFingerprint(world.Server.DatabasePath));
    }

    [Fact]
    public async Task Typing_NonMember_Forbidden()
    {
        await using var world = await E2EWorld.StartAsync("xchat-live-typing-neg-", FastSweeps);
        await using var alice = await world.RegisterAsync("alice");
        await using var bob = await world.RegisterAsync("bob");
        await using var carol = await world.RegisterAsync("carol");
        var sent = await alice.SendTextAsync("bob", world.Text("hello"));

        var error = await Assert.ThrowsAsync<XChatServerException>(() => carol.Connection.SendTypingAsync(sent.Conversation, true));
        Assert.Equal(ErrorCode.Forbidden, error.Code);
    }

    [Fact]
    public async Task Typing_Flood_RateLimitedLikeSends()
    {
        await using var world = await E2EWorld.StartAsync("xchat-live-typing-rate-",
            new Dictionary<string, string?>(FastSweeps) { ["XChat:Gateway:SendsPerSecond"] = "0.1", ["XChat:Gateway:SendBurst"] = "3" });
        await using var alice = await world.RegisterAsync("alice");
        await using var bob = await world.RegisterAsync("bob");
        var conversation = (await alice.SendTextAsync("bob", world.Text("hello"))).Conversation;

        // A burst of 3 refilled once in 10 s: ten indicators in a row cannot all pass.
        var limited = await Assert.ThrowsAsync<XChatServerException>(async () =>
        {
            for (var i = 0; i < 10; i++)
            {
                await alice.Connection.SendTypingAsync(conversation, i % 2 == 0);
            }
        });

        Assert.Equal(ErrorCode.RateLimited, limited.Code);
        Assert.True(limited.RetryAfter > TimeSpan.Zero);
    }

    [Fact]
    public async Task Presence_OnlyContactsSee_HiddenIsUnknown_OfflineHasLastSeen()
    {
        await using var world = await E2EWorld.StartAsync("xchat-live-presence-", FastSweeps);
        await using var alice = await world.RegisterAsync("alice");
        var bob = await world.RegisterAsync("bob");
        await using var carol = await world.RegisterAsync("carol");
        await alice.SendTextAsync("bob", world.Text("hello"));

        Assert.Equal("online", (await alice.GetPresenceAsync(["bob"])).Single().Status);
        Assert.Equal("unknown", (await carol.GetPresenceAsync(["bob"])).Single().Status); // no shared conversation

        await bob.SetPresenceHiddenAsync(true);
        Assert.Equal("unknown", (await alice.GetPresenceAsync(["bob"])).Single().Status);
        Assert.Equal("online", (await bob.GetPresenceAsync(["bob"])).Single().Status); // a user always sees themself
        await bob.SetPresenceHiddenAsync(false);
        Assert.Equal("online", (await alice.GetPresenceAsync(["bob"])).Single().Status);

        await bob.DisposeAsync();
        UserPresence? seen = null;
        for (var i = 0; i < 50 && seen?.Status != "offline"; i++)
        {
            await Task.Delay(100);
            seen = (await alice.GetPresenceAsync(["bob"])).Single();
        }

        Assert.Equal("offline", seen!.Status);
        Assert.NotNull(seen.LastSeen);
        Assert.InRange(seen.LastSeen!.Value, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddSeconds(5));
    }

    [Fact]
    public async Task Presence_BadRequest_TooManyOrMalformedIds()
    {
        await using var world = await E2EWorld.StartAsync("xchat-live-presence-neg-", FastSweeps);
        await using var alice = await world.RegisterAsync("alice");

        var malformed = await Assert.ThrowsAsync<XChatServerException>(() => alice.Connection.GetPresenceAsync(["not-a-user-id"]));
        Assert.Equal(ErrorCode.BadRequest, malformed.Code);
        var none = await Assert.ThrowsAsync<XChatServerException>(() => alice.Connection.GetPresenceAsync([]));
        Assert.Equal(ErrorCode.BadRequest, none.Code);
    }

    [Fact]
    public async Task Disappearing_ExpiredMessage_ErasedFromStorageAndClients()
    {
        await using var world = await E2EWorld.StartAsync("xchat-live-disappear-", FastSweeps);
        await using var alice = await world.RegisterAsync("alice");
        await using var bob = await world.RegisterAsync("bob");
        var kept = await alice.SendTextAsync("bob", world.Text("kept"));
        var conversation = kept.Conversation;

        var bad = await Assert.ThrowsAsync<XChatServerException>(() => alice.Connection.SetDisappearingAsync(conversation, 400 * 86400));
        Assert.Equal(ErrorCode.BadRequest, bad.Code);
        Assert.Equal(0u, (await alice.Connection.ListConversationsAsync()).Single().DisappearAfterSeconds); // a refused timer changes nothing

        await alice.SetDisappearingAsync("bob", null, TimeSpan.FromSeconds(2));
        Assert.Equal(2u, (await bob.Connection.ListConversationsAsync()).Single().DisappearAfterSeconds);
        var secret = await alice.SendTextAsync("bob", world.Text("secret"));
        Assert.NotNull(secret.ExpiresAt);

        var row = ServerStorage.MessageRow(world.Server.DatabasePath, conversation, secret.Seq);
        Assert.True(row is { HasCiphertext: true, ExpiresAt: not null }, "a message sent under a timer is stored with its expiry");
        Assert.Null(ServerStorage.MessageRow(world.Server.DatabasePath, conversation, kept.Seq)!.Value.ExpiresAt);

        var synced = await bob.SyncAsync();
        var received = Assert.Single(synced.Messages, m => m.Seq == secret.Seq);
        Assert.NotNull(received.ExpiresAt);
        Assert.Contains(synced.Messages, m => m.Text.Contains("set disappearing messages to 2s", StringComparison.Ordinal));

        Assert.True(await ServerStorage.EventuallyAsync(
            () => ServerStorage.MessageRow(world.Server.DatabasePath, conversation, secret.Seq) is { HasCiphertext: false },
            TimeSpan.FromSeconds(10)), "the expired message's ciphertext is erased from the SQLite file");
        Assert.True(ServerStorage.MessageRow(world.Server.DatabasePath, conversation, kept.Seq)!.Value.HasCiphertext, "earlier messages stay");

        foreach (var client in new[] { alice, bob })
        {
            var history = await client.HistoryAsync(client == alice ? "bob" : "alice");
            Assert.DoesNotContain(history, m => m.Seq == secret.Seq);
            Assert.Contains(history, m => m.Seq == kept.Seq);
        }

        // A device that syncs later gets an erased envelope, no ciphertext.
        var page = await bob.Connection.SyncAsync(conversation, (ulong)secret.Seq - 1);
        var envelope = Assert.Single(page.Messages, e => (long)e.Seq == secret.Seq);
        Assert.True(envelope.Erased);
        Assert.True(envelope.SharedCiphertext.IsEmpty && envelope.DeviceCiphertext.IsEmpty);
    }

    [Fact]
    public async Task Disappearing_ExpiresWhileServerDown_ErasedAfterRestart()
    {
        await using var world = await E2EWorld.StartAsync("xchat-live-disappear-restart-", FastSweeps);
        await using var alice = await world.RegisterAsync("alice");
        await using var bob = await world.RegisterAsync("bob");
        await alice.SetDisappearingAsync("bob", null, TimeSpan.FromSeconds(2));
        var secret = await alice.SendTextAsync("bob", world.Text("secret"));
        await world.Server.StopAsync();
        Assert.True(ServerStorage.MessageRow(world.Server.DatabasePath, secret.Conversation, secret.Seq) is { HasCiphertext: true });

        await Task.Delay(TimeSpan.FromSeconds(2.5));
        await world.RestartServerAsync();

        Assert.True(await ServerStorage.EventuallyAsync(
            () => ServerStorage.MessageRow(world.Server.DatabasePath, secret.Conversation, secret.Seq) is { HasCiphertext: false },
            TimeSpan.FromSeconds(10)), "the sweep after a restart erases what expired while the server was down");
    }

    [Fact]
    public async Task Attachment_RoundTrip_NonMemberForbidden_TamperedChunkRejected()
    {
        await using var world = await E2EWorld.StartAsync("xchat-live-attach-", FastSweeps);
        await using var alice = await world.RegisterAsync("alice");
        await using var bob = await world.RegisterAsync("bob");
        await using var carol = await world.RegisterAsync("carol");
        var content = RandomNumberGenerator.GetBytes(150_000); // three chunks
        var path = Path.Combine(world.Root, "photo.png");
        await File.WriteAllBytesAsync(path, content);
        long reported = 0;

        var sent = await alice.SendFileAsync("bob", null, path, progress: new Inline(v => reported = v));
        Assert.Equal(content.Length, reported);
        var attachment = sent.Attachment!;
        Assert.Equal("image/png", attachment.ContentType);

        var synced = await bob.SyncAsync();
        var message = Assert.Single(synced.Messages);
        Assert.Equal(new ChatAttachment(attachment.Id, "photo.png", "image/png", content.Length), message.Attachment);
        var output = Path.Combine(world.Root, "bob-photo.png");
        long downloaded = 0;
        await bob.DownloadAsync(message.Conversation, message.Seq, output, new Inline(v => downloaded = v));
        Assert.Equal(content, await File.ReadAllBytesAsync(output));
        Assert.Equal(content.Length, downloaded);

        // The server holds ciphertext only.
        var stored = Path.Combine(world.Server.DataDir, "attachments", attachment.Id);
        var firstChunk = await File.ReadAllBytesAsync(Path.Combine(stored, "000000.chunk"));
        Assert.True(firstChunk.AsSpan().IndexOf(content.AsSpan(0, 64)) < 0, "the blob store never sees plaintext");

        // A user outside the conversation cannot read it, even knowing the id.
        var forbidden = await Assert.ThrowsAsync<XChatServerException>(() => carol.Connection.DownloadChunkAsync(attachment.Id, 0));
        Assert.Equal(ErrorCode.Forbidden, forbidden.Code);
        Assert.Equal(ErrorCode.Forbidden, (await Assert.ThrowsAsync<XChatServerException>(() => carol.Connection.GetAttachmentAsync(attachment.Id))).Code);

        // A changed chunk fails authentication and no file is written.
        var chunkPath = Path.Combine(stored, "000001.chunk");
        var chunk = await File.ReadAllBytesAsync(chunkPath);
        chunk[100] ^= 0x01;
        await File.WriteAllBytesAsync(chunkPath, chunk);
        var tamperedOutput = Path.Combine(world.Root, "tampered.png");
        var failure = await Assert.ThrowsAsync<XChatClientException>(() => bob.DownloadAsync(message.Conversation, message.Seq, tamperedOutput));
        Assert.Contains("failed authentication", failure.Message);
        Assert.False(File.Exists(tamperedOutput));
        Assert.Empty(Directory.GetFiles(world.Root, "*.part"));
    }

    [Fact]
    public async Task Attachment_BadInput_RefusedAndNothingStored()
    {
        await using var world = await E2EWorld.StartAsync("xchat-live-attach-neg-", FastSweeps);
        await using var alice = await world.RegisterAsync("alice");
        await using var bob = await world.RegisterAsync("bob");
        await using var carol = await world.RegisterAsync("carol");
        var conversation = (await alice.SendTextAsync("bob", world.Text("hello"))).Conversation;

        Assert.Equal(ErrorCode.PayloadTooLarge, (await Assert.ThrowsAsync<XChatServerException>(() => alice.Connection.StartUploadAsync(conversation, 200L * 1024 * 1024))).Code);
        Assert.Equal(ErrorCode.Forbidden, (await Assert.ThrowsAsync<XChatServerException>(() => carol.Connection.StartUploadAsync(conversation, 10))).Code);

        var upload = await alice.Connection.StartUploadAsync(conversation, 10);
        Assert.Equal(ErrorCode.BadRequest, (await Assert.ThrowsAsync<XChatServerException>(() => alice.Connection.UploadChunkAsync(upload.AttachmentId, 1, new byte[5]))).Code);
        Assert.Equal(ErrorCode.BadRequest, (await Assert.ThrowsAsync<XChatServerException>(() => alice.Connection.UploadChunkAsync(upload.AttachmentId, 0, new byte[11]))).Code);
        Assert.Equal(ErrorCode.Forbidden, (await Assert.ThrowsAsync<XChatServerException>(() => bob.Connection.UploadChunkAsync(upload.AttachmentId, 0, new byte[5]))).Code);
        await alice.Connection.UploadChunkAsync(upload.AttachmentId, 0, new byte[5]);
        Assert.Equal(ErrorCode.AttachmentIncomplete, (await Assert.ThrowsAsync<XChatServerException>(() => alice.Connection.FinishUploadAsync(upload.AttachmentId))).Code);
        Assert.Equal(ErrorCode.AttachmentIncomplete, (await Assert.ThrowsAsync<XChatServerException>(() => bob.Connection.DownloadChunkAsync(upload.AttachmentId, 0))).Code);

        // A send naming an upload that is not finished, unknown or malformed stores no message.
        var rows = ServerStorage.MessageCount(world.Server.DatabasePath);
        foreach (var id in new[] { upload.AttachmentId, AttachmentIds.New(), "../../x" })
        {
            var send = new SendRequest { ConversationId = conversation, SharedCiphertext = ByteString.CopyFrom(new byte[16]) };
            send.AttachmentIds.Add(id);
            var error = await Assert.ThrowsAsync<XChatServerException>(() => alice.Connection.SendAsync(send));
            Assert.Contains(error.Code, new[] { ErrorCode.BadRequest, ErrorCode.AttachmentIncomplete });
        }

        Assert.Equal(rows, ServerStorage.MessageCount(world.Server.DatabasePath));
    }

    [Fact]
    public async Task UnreferencedUpload_Collected_ReferencedKept()
    {
        await using var world = await E2EWorld.StartAsync("xchat-live-collect-", FastSweeps);
        await using var alice = await world.RegisterAsync("alice");
        await using var bob = await world.RegisterAsync("bob");
        var path = Path.Combine(world.Root, "notes.txt");
        await File.WriteAllBytesAsync(path, RandomNumberGenerator.GetBytes(1000));
        var referenced = (await alice.SendFileAsync("bob", null, path)).Attachment!.Id;
        var conversation = (await alice.Connection.ListConversationsAsync()).Single().ConversationId;
        var orphan = await alice.Connection.StartUploadAsync(conversation, 3);
        await alice.Connection.UploadChunkAsync(orphan.AttachmentId, 0, new byte[] { 1, 2, 3 });
        await alice.Connection.FinishUploadAsync(orphan.AttachmentId);
        var folder = (string id) => Path.Combine(world.Server.DataDir, "attachments", id);
        Assert.True(Directory.Exists(folder(orphan.AttachmentId)));

        Assert.True(await ServerStorage.EventuallyAsync(() => !Directory.Exists(folder(orphan.AttachmentId)), TimeSpan.FromSeconds(15)),
            "an upload no message references is collected after UnreferencedAttachmentLifetime");
        Assert.True(Directory.Exists(folder(referenced)), "an attachment a message references stays");
        Assert.Equal(ErrorCode.NotFound, (await Assert.ThrowsAsync<XChatServerException>(() => bob.Connection.GetAttachmentAsync(orphan.AttachmentId))).Code);
        await bob.SyncAsync();
        await bob.DownloadAsync(referenced, Path.Combine(world.Root, "bob-notes.txt"));
    }

    private sealed class Inline(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
