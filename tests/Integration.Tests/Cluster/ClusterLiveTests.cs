using Google.Protobuf;
using Npgsql;
using XChat.Client.Transport;
using XChat.Integration.Tests.Support;
using XChat.Protocol;
using XChat.TestSupport;

namespace XChat.Integration.Tests.Cluster;

/// <summary>Disappearing messages and attachments through a real cluster (silo and gateway processes), PostgreSQL rows looked at directly.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterLiveTests
{
    private static readonly Dictionary<string, string> FastSweeps = new()
    {
        ["XChat__Sweep__ExpiredMessageSweepInterval"] = "00:00:00.300",
        ["XChat__Sweep__AttachmentSweepInterval"] = "00:00:00.300",
        ["XChat__Sweep__UnreferencedAttachmentLifetime"] = "00:00:02",
    };

    [Fact]
    public async Task Disappearing_AndAttachments_ErasedFromPostgres_AlsoAfterRestart()
    {
        var database = await TestEnvironment.CreatePostgresDatabaseAsync("xchat_cluster_live");
        DeviceIdentity aliceIdentity;
        string conversation;
        ulong lateSeq;
        await using (var cluster = await XChatCluster.StartAsync(database, environment: FastSweeps))
        {
            await using var alice = await ChatUser.RegisterAsync(cluster.WebSocketUri, "alice");
            await using var bob = await ChatUser.RegisterAsync(cluster.WebSocketUri, "bob");
            aliceIdentity = alice.Identity;
            conversation = (await alice.Connection.CreateDirectAsync(bob.UserId)).ConversationId;
            var kept = (await alice.SendAsync(conversation, "kept")).Seq;
            Assert.Equal(2u, (await alice.Connection.SetDisappearingAsync(conversation, 2)).DisappearAfterSeconds);

            // An attachment, referenced by a disappearing message, and an upload nobody references.
            var upload = await alice.Connection.StartUploadAsync(conversation, 5);
            await alice.Connection.UploadChunkAsync(upload.AttachmentId, 0, new byte[] { 1, 2, 3, 4, 5 });
            await alice.Connection.FinishUploadAsync(upload.AttachmentId);
            var orphan = await alice.Connection.StartUploadAsync(conversation, 1);
            var send = new SendRequest { ConversationId = conversation, ClientMessageId = "with-file", SharedCiphertext = ByteString.CopyFrom(ChatUser.PayloadFor("with-file")) };
            send.AttachmentIds.Add(upload.AttachmentId);
            var timed = (await alice.Connection.SendAsync(send)).Seq;
            Assert.Equal(new byte[] { 1, 2, 3, 4, 5 }, (await bob.Connection.DownloadChunkAsync(upload.AttachmentId, 0)).Data.ToByteArray());

            Assert.True(await Row(database, conversation, timed) is { HasCiphertext: true, ExpiresAt: not null });
            Assert.True(await EventuallyAsync(async () => await Row(database, conversation, timed) is { HasCiphertext: false }),
                "the expired message's ciphertext is erased from PostgreSQL");
            Assert.True(await EventuallyAsync(async () => !await AttachmentExistsAsync(database, upload.AttachmentId)),
                "an attachment of an expired message is erased with it");
            Assert.True(await EventuallyAsync(async () => !await AttachmentExistsAsync(database, orphan.AttachmentId)),
                "an unreferenced upload is collected");
            Assert.True(await Row(database, conversation, kept) is { HasCiphertext: true, ExpiresAt: null }, "messages from before the timer stay");

            lateSeq = (await alice.SendAsync(conversation, "late")).Seq;
        }

        // The whole cluster is down while the last message expires.
        Assert.True(await Row(database, conversation, lateSeq) is { HasCiphertext: true });
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        await using var restarted = await XChatCluster.StartAsync(database, environment: FastSweeps);
        Assert.True(await EventuallyAsync(async () => await Row(database, conversation, lateSeq) is { HasCiphertext: false }),
            "the first sweep after a restart erases what expired while the cluster was down");
        await using var aliceAgain = await ChatUser.ConnectAsync(restarted.WebSocketUri, aliceIdentity);
        var late = Assert.Single(await aliceAgain.SyncAllAsync(conversation), e => e.Seq == lateSeq);
        Assert.True(late.Erased);
    }

    private static async Task<(bool HasCiphertext, long? ExpiresAt)?> Row(string database, string conversation, ulong seq)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT shared_ciphertext IS NOT NULL OR device_ciphertexts IS NOT NULL, expires_at FROM xchat_messages WHERE conversation_id = @c AND seq = @s", connection);
        command.Parameters.AddWithValue("c", conversation);
        command.Parameters.AddWithValue("s", (long)seq);
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? (reader.GetBoolean(0), reader.IsDBNull(1) ? null : reader.GetInt64(1)) : null;
    }

    private static async Task<bool> AttachmentExistsAsync(string database, string attachmentId)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT (SELECT COUNT(*) FROM xchat_attachments WHERE attachment_id = @id) + (SELECT COUNT(*) FROM xchat_attachment_chunks WHERE attachment_id = @id)", connection);
        command.Parameters.AddWithValue("id", attachmentId);
        return (long)(await command.ExecuteScalarAsync())! > 0;
    }

    private static async Task<bool> EventuallyAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(200);
        }

        return await condition();
    }
}
