using Npgsql;
using XChat.Integration.Tests.Support;
using XChat.TestSupport;

namespace XChat.Integration.Tests.Cluster;

/// <summary>Messages sent through a real cluster (silo and gateway processes) land in PostgreSQL as rows and outlive the processes.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterStorageTests
{
    [Fact]
    public async Task Send_ThroughCluster_StoredAsPostgresRowsAndSurvivesClusterRestart()
    {
        var database = await TestEnvironment.CreatePostgresDatabaseAsync("xchat_cluster");
        var acked = new List<(ulong Seq, string Id, string Sender)>();
        string conversationId;
        XChat.Client.Transport.DeviceIdentity aliceIdentity;

        await using (var cluster = await XChatCluster.StartAsync(database))
        {
            await using var alice = await ChatUser.RegisterAsync(cluster.WebSocketUri, "alice");
            await using var bob = await ChatUser.RegisterAsync(cluster.WebSocketUri, "bob");
            aliceIdentity = alice.Identity;
            conversationId = (await alice.Connection.CreateDirectAsync(bob.UserId)).ConversationId;
            for (var i = 0; i < 20; i++)
            {
                var sender = i % 2 == 0 ? alice : bob;
                acked.Add(((await sender.SendAsync(conversationId, $"m{i}")).Seq, $"m{i}", sender.UserId));
            }

            var rows = await ReadRowsAsync(database, conversationId);
            Assert.Equal(acked.Select(a => a.Seq), rows.Select(r => r.Seq));
            Assert.Equal(acked.Select(a => a.Id), rows.Select(r => r.Id));
            Assert.Equal(acked.Select(a => a.Sender), rows.Select(r => r.Sender));
            Assert.All(rows, r => Assert.Equal(ChatUser.PayloadFor(r.Id), r.Shared));
        }

        // Every process was killed: a new cluster on the same database serves the same log.
        await using var restarted = await XChatCluster.StartAsync(database);
        await using var aliceAgain = await ChatUser.ConnectAsync(restarted.WebSocketUri, aliceIdentity);
        var synced = await aliceAgain.SyncAllAsync(conversationId);
        Assert.Equal(acked.Select(a => a.Seq), synced.Select(m => m.Seq));
        Assert.Equal(acked.Select(a => a.Id), synced.Select(m => m.ClientMessageId));
        Assert.All(synced, m => Assert.Equal(ChatUser.PayloadFor(m.ClientMessageId), m.SharedCiphertext.ToByteArray()));
        Assert.Equal((ulong)acked.Count + 1, (await aliceAgain.SendAsync(conversationId, "after-restart")).Seq);
    }

    private static async Task<List<(ulong Seq, string Id, string Sender, byte[] Shared)>> ReadRowsAsync(string database, string conversationId)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT seq, client_message_id, sender_user_id, shared_ciphertext FROM xchat_messages WHERE conversation_id = @c ORDER BY seq", connection);
        command.Parameters.AddWithValue("c", conversationId);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(ulong, string, string, byte[])>();
        while (await reader.ReadAsync())
        {
            rows.Add(((ulong)reader.GetInt64(0), reader.GetString(1), reader.GetString(2), (byte[])reader.GetValue(3)));
        }

        return rows;
    }
}
