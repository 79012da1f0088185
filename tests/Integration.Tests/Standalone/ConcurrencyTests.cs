using XChat.Integration.Tests.Support;
using XChat.TestSupport;

namespace XChat.Integration.Tests.Standalone;

/// <summary>Many devices and connections sending into one conversation at once, through the WebSocket gateway.</summary>
public sealed class ConcurrencyTests
{
    [Fact]
    public async Task Send_TenMembersTwoConnectionsEachPipelining_SeqsGapFreeAndEachMessageOnce()
    {
        const int users = 10;
        const int connectionsPerUser = 2;
        const int sendsPerConnection = 50;
        const int total = users * connectionsPerUser * sendsPerConnection;
        // The rate limit is not under test here: every device sends 100 messages as fast as it can.
        await using var server = await StandaloneServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["XChat:Gateway:SendsPerSecond"] = "10000",
            ["XChat:Gateway:SendBurst"] = "10000",
        });
        var members = await Task.WhenAll(Enumerable.Range(0, users).Select(i => ChatUser.RegisterAsync(server.WebSocketUri, $"m{i}")));
        var extra = await Task.WhenAll(members.Select(m => ChatUser.ConnectAsync(server.WebSocketUri, m.Identity)));
        var connections = members.Concat(extra).ToArray();
        try
        {
            var group = await members[0].Connection.CreateGroupAsync(members.Skip(1).Select(m => m.UserId));

            // Every connection puts all of its sends on the wire at once (pipelined), all connections together.
            var sends = connections.SelectMany((c, ci) => Enumerable.Range(0, sendsPerConnection).Select(async i =>
            {
                var id = $"c{ci}-{i}";
                return (Id: id, (await c.SendAsync(group.ConversationId, id)).Seq);
            }));
            var acked = await Task.WhenAll(sends);

            Assert.Equal(total, acked.Length);
            Assert.Equal(Enumerable.Range(1, total).Select(s => (ulong)s), acked.Select(a => a.Seq).Order());
            var synced = await members[^1].SyncAllAsync(group.ConversationId);
            Assert.Equal(Enumerable.Range(1, total).Select(s => (ulong)s), synced.Select(m => m.Seq));
            Assert.Equal(total, synced.Select(m => m.ClientMessageId).Distinct().Count());
            var seqById = acked.ToDictionary(a => a.Id, a => a.Seq);
            Assert.All(synced, m => Assert.Equal(seqById[m.ClientMessageId], m.Seq));
            Assert.All(synced, m => Assert.Equal(ChatUser.PayloadFor(m.ClientMessageId), m.SharedCiphertext.ToByteArray()));
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }
    }
}
