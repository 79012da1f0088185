using Google.Protobuf;
using XChat.Protocol;
using XChat.TestSupport;

namespace XChat.Gateway.Tests;

/// <summary>
/// Pipelined sends to one conversation travel to its grain several per call (the gateway's
/// SendBatcher), and each still gets its own answer over the wire.
/// </summary>
/// <remarks>
/// The meter "XChat" is found by name, so every server in this test process reports into every
/// server's /metrics: these tests run alone (after the parallel ones) to count only their own sends.
/// </remarks>
[Collection(Name)]
public sealed class SendBatchingTests
{
    public const string Name = "send batching, alone";

    private const int PerConnection = 40;

    [Fact]
    public async Task PipelinedSends_FromThreeConnections_EachAnsweredOnceGapFreeAndCarriedInFewerCallsThanSends()
    {
        await using var server = await StandaloneServer.StartAsync(settings: Unlimited());
        var (alice, aliceIdentity) = await Users.RegisterAsync(server.WebSocketUri);
        var (bob, bobIdentity) = await Users.RegisterAsync(server.WebSocketUri);
        var aliceSecond = await RawClient.ConnectAsync(server.WebSocketUri);
        Assert.Equal(ServerFrame.BodyOneofCase.Login, (await aliceSecond.LoginAsync(aliceIdentity)).BodyCase);
        await using var _a = alice;
        await using var _a2 = aliceSecond;
        await using var _b = bob;
        var conversation = (await Users.CreateDirectAsync(alice, bobIdentity.UserId!)).ConversationId;

        var senders = new[] { alice, aliceSecond, bob };
        var answers = await Task.WhenAll(senders.Select((client, c) => PipelineAsync(client, conversation, $"c{c}", PerConnection)));

        var all = answers.SelectMany(a => a).ToArray();
        Assert.All(all, a => Assert.Equal(ServerFrame.BodyOneofCase.Send, a.Answer.BodyCase));
        Assert.Equal(Enumerable.Range(1, senders.Length * PerConnection).Select(i => (ulong)i), all.Select(a => a.Answer.Send.Seq).Order());
        var stored = await SyncAllAsync(bob, conversation);
        Assert.Equal(senders.Length * PerConnection, stored.Count);
        foreach (var (clientMessageId, answer) in all)
        {
            var message = stored.Single(m => m.ClientMessageId == clientMessageId);
            Assert.Equal(answer.Send.Seq, message.Seq);
            Assert.Equal(Payload(clientMessageId), message.SharedCiphertext.ToByteArray());
        }

        var (calls, sends) = await AppendCallsAsync(server, senders.Length * PerConnection);
        Assert.Equal(senders.Length * PerConnection, sends);
        Assert.True(calls < sends, $"{sends} pipelined sends must share append calls; they took {calls}.");
    }

    [Fact]
    public async Task PipelinedSends_OneAddressedToAStranger_OnlyThatOneRefusedAndTheOthersStoredGapFree()
    {
        await using var server = await StandaloneServer.StartAsync(settings: Unlimited());
        var (alice, _) = await Users.RegisterAsync(server.WebSocketUri);
        var (bob, bobIdentity) = await Users.RegisterAsync(server.WebSocketUri);
        await using var _a = alice;
        await using var _b = bob;
        var conversation = (await Users.CreateDirectAsync(alice, bobIdentity.UserId!)).ConversationId;

        var ids = new List<(ulong RequestId, string ClientMessageId)>();
        for (var i = 0; i < 20; i++)
        {
            var frame = Users.Send(conversation, $"m{i}", Payload($"m{i}"));
            if (i == 9)
            {
                frame.Send.SharedCiphertext = ByteString.Empty;
                frame.Send.DeviceCiphertexts.Add(new DeviceCiphertext { UserId = Guid.NewGuid().ToString("N"), DeviceId = 1, Ciphertext = ByteString.CopyFrom(1, 2, 3) });
            }

            ids.Add((await alice.SendAsync(frame), $"m{i}"));
        }

        var answers = await ReceiveAnswersAsync(alice, ids.Count);

        var refused = answers[ids[9].RequestId];
        Assert.Equal((ServerFrame.BodyOneofCase.Error, ErrorCode.BadRequest), (refused.BodyCase, refused.Error.Code));
        var accepted = ids.Where((_, i) => i != 9).Select(id => answers[id.RequestId]).ToArray();
        Assert.All(accepted, a => Assert.Equal(ServerFrame.BodyOneofCase.Send, a.BodyCase));
        Assert.Equal(Enumerable.Range(1, 19).Select(i => (ulong)i), accepted.Select(a => a.Send.Seq).Order());
        var stored = await SyncAllAsync(bob, conversation);
        Assert.Equal(19, stored.Count);
        Assert.DoesNotContain(stored, m => m.ClientMessageId == "m9");
    }

    private static Dictionary<string, string?> Unlimited() => new()
    {
        ["XChat:Gateway:SendsPerSecond"] = "100000",
        ["XChat:Gateway:SendBurst"] = "100000",
    };

    private static byte[] Payload(string clientMessageId) => System.Text.Encoding.UTF8.GetBytes("ciphertext of " + clientMessageId);

    /// <summary>Writes every send before reading any answer, then collects one answer per send.</summary>
    private static async Task<List<(string ClientMessageId, ServerFrame Answer)>> PipelineAsync(RawClient client, string conversation, string prefix, int count)
    {
        var ids = new List<(ulong RequestId, string ClientMessageId)>();
        for (var i = 0; i < count; i++)
        {
            var clientMessageId = $"{prefix}-{i}";
            ids.Add((await client.SendAsync(Users.Send(conversation, clientMessageId, Payload(clientMessageId))), clientMessageId));
        }

        var answers = await ReceiveAnswersAsync(client, count);
        return ids.Select(id => (id.ClientMessageId, answers[id.RequestId])).ToList();
    }

    private static async Task<Dictionary<ulong, ServerFrame>> ReceiveAnswersAsync(RawClient client, int count)
    {
        var answers = new Dictionary<ulong, ServerFrame>();
        while (answers.Count < count)
        {
            var frame = await client.ReceiveAsync(TimeSpan.FromSeconds(30)) ?? throw new InvalidOperationException($"Closed by the server: {client.CloseStatus}.");
            if (frame.BodyCase != ServerFrame.BodyOneofCase.Push)
            {
                Assert.True(answers.TryAdd(frame.RequestId, frame), $"request {frame.RequestId} was answered twice");
            }
        }

        return answers;
    }

    private static async Task<List<Envelope>> SyncAllAsync(RawClient client, string conversation)
    {
        var messages = new List<Envelope>();
        while (true)
        {
            var page = (await client.RequestAsync(Users.Sync(conversation, messages.Count == 0 ? 0 : messages[^1].Seq))).Messages;
            messages.AddRange(page.Messages);
            if (!page.HasMore)
            {
                return messages;
            }
        }
    }

    /// <summary>The append calls and the sends they carried, from /metrics once every send is counted.</summary>
    private static async Task<(double Calls, double Sends)> AppendCallsAsync(StandaloneServer server, int sends)
    {
        using var http = new HttpClient();
        var uri = new Uri($"http://127.0.0.1:{server.HttpPort}/metrics");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        PrometheusText scrape;
        do
        {
            scrape = await PrometheusText.ScrapeAsync(http, uri);
            if (scrape["xchat_append_call_sends_sum"] >= sends)
            {
                break;
            }

            await Task.Delay(250);
        }
        while (DateTime.UtcNow < deadline);

        return (scrape["xchat_append_call_sends_count"] ?? 0, scrape["xchat_append_call_sends_sum"] ?? 0);
    }
}

[CollectionDefinition(SendBatchingTests.Name, DisableParallelization = true)]
public sealed class SendBatchingCollection;
