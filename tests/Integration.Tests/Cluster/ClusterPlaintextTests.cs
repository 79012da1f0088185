using System.Text;
using Google.Protobuf;
using Npgsql;
using XChat.Client.Messaging;
using XChat.Client.Transport;
using XChat.Integration.Tests.Support;
using XChat.Protocol;
using XChat.TestSupport;
using Xunit.Abstractions;

namespace XChat.Integration.Tests.Cluster;

/// <summary>
/// Two XChatClient users talk end to end through a real cluster (two silo processes, one gateway
/// process, PostgreSQL, Redis): every message decrypts, and neither the cluster's PostgreSQL rows
/// nor the processes' logs hold a plaintext marker (nor, in the logs, login challenges or signatures).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterPlaintextTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(30);
    private readonly string _profiles = Directory.CreateTempSubdirectory("xchat-plaintext-").FullName;
    private readonly List<string> _markers = [];

    public void Dispose()
    {
        try
        {
            Directory.Delete(_profiles, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }

    [Fact]
    public async Task Exchange_EveryMessageDecrypts_AndNoRowOfAnyPostgresTableHoldsPlaintext()
    {
        var database = await TestEnvironment.CreatePostgresDatabaseAsync("xchat_plain");
        await using var cluster = await XChatCluster.StartAsync(database);
        await using var exchange = await ExchangeAsync(cluster);

        // The conversation's messages are rows (one per send, seq 1..n, the devices' silent delivery receipts
        // among them): the scan below reads real ciphertext, the receipts' too.
        Assert.Equal(Enumerable.Range(1, exchange.Rows).Select(i => (long)i), await SeqsAsync(database, exchange.ConversationId));
        Assert.Equal(exchange.Rows - exchange.Sent, await SilentRowsAsync(database, exchange.ConversationId));

        var report = await PostgresRowScanner.ScanAsync(database, _markers);
        output.WriteLine(report.Describe());
        Assert.True(report.Findings.Count == 0,
            "Plaintext found in PostgreSQL: " + string.Join("; ", report.Findings.Select(f => $"{f.Table}.{f.Column} ({f.Encoding})")));
        Assert.Equal(exchange.Rows, report.Rows("public.xchat_messages"));
        Assert.True(report.BytesPerTable["public.xchat_messages"] > exchange.Sent * 100, "the message rows hold ciphertext that was read");
        Assert.True(report.Rows("public.xchat_grain_state") > 0, "the grain-state rows were read");
        Assert.True(report.Rows("public.xchat_cursors") > 0, "the cursor rows were read");
        Assert.True(report.Rows("public.orleansquery") > 0, "the provider's query rows were read");
        Assert.Empty(await PostgresRowScanner.UnscannedStorageAsync(database));

        // The scanner is proven on the same database: markers planted in a table of another schema,
        // as text, jsonb, bytea (UTF-16) and bytea[], are each found where they were put.
        string[] planted = [_markers[0], _markers[1], _markers[2], _markers[3]];
        byte[] utf16Blob = [0xFF, .. Encoding.Unicode.GetBytes(planted[2]), 0x00];
        byte[][] blobs = [[1, 2, 3], [0x01, .. Encoding.UTF8.GetBytes(planted[3])]];
        await ExecuteAsync(database, "CREATE SCHEMA scanner_probe; CREATE TABLE scanner_probe.planted (note text, doc jsonb, blob bytea, blobs bytea[])");
        await ExecuteAsync(database, "INSERT INTO scanner_probe.planted VALUES (@note, @doc::jsonb, @blob, @blobs)",
            ("note", $"x {planted[0]} y"),
            ("doc", $$"""{"text": "{{planted[1]}}"}"""),
            ("blob", utf16Blob),
            ("blobs", blobs));
        try
        {
            var probe = await PostgresRowScanner.ScanAsync(database, _markers);
            Assert.Equal(
                [("note", planted[0], "UTF-8"), ("doc", planted[1], "UTF-8"), ("blob", planted[2], "UTF-16LE"), ("blobs", planted[3], "UTF-8")],
                probe.Findings.Select(f => (f.Column, f.Marker, f.Encoding)));
            Assert.All(probe.Findings, f => Assert.Equal("scanner_probe.planted", f.Table));
        }
        finally
        {
            await ExecuteAsync(database, "DROP SCHEMA scanner_probe CASCADE");
        }
    }

    [Fact]
    public async Task Exchange_ProcessLogsAtTraceLevel_HoldNoPlaintextNorLoginChallengesOrSignatures()
    {
        var database = await TestEnvironment.CreatePostgresDatabaseAsync("xchat_logs");
        // Far more verbose than production (Information, Orleans at Warning): every category at Trace.
        var verbose = new Dictionary<string, string>
        {
            ["Logging__LogLevel__Default"] = "Trace",
            ["Logging__LogLevel__Orleans"] = "Trace",
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Trace",
        };
        await using var cluster = await XChatCluster.StartAsync(database, environment: verbose);
        await using var exchange = await ExchangeAsync(cluster);

        // Authentication through the gateway with the challenges and signatures in hand: a
        // registration, a login, and a login with a wrong signature (the failure path).
        var secrets = new List<byte[]>();
        var carol = DeviceIdentity.Create();
        await using (var raw = await RawClient.ConnectAsync(cluster.WebSocketUri))
        {
            var challenge = (await raw.HelloAsync()).Challenge;
            var request = RawClient.RegisterRequestFor(carol, ChatUser.NewHandle("carol"), challenge);
            var answer = await raw.RequestAsync(new ClientFrame { Register = request });
            Assert.Equal(ServerFrame.BodyOneofCase.Register, answer.BodyCase);
            carol.SetAddress(answer.Register.UserId, answer.Register.DeviceId);
            secrets.Add(challenge.ToByteArray());
            secrets.Add(request.ChallengeSignature.ToByteArray());
        }

        await using (var raw = await RawClient.ConnectAsync(cluster.WebSocketUri))
        {
            var challenge = (await raw.HelloAsync()).Challenge;
            var signature = RawClient.SignChallenge(carol, challenge);
            var answer = await raw.RequestAsync(new ClientFrame { Login = new LoginRequest { UserId = carol.UserId, DeviceId = carol.DeviceId, ChallengeSignature = ByteString.CopyFrom(signature) } });
            Assert.Equal(ServerFrame.BodyOneofCase.Login, answer.BodyCase);
            secrets.Add(challenge.ToByteArray());
            secrets.Add(signature);
        }

        await using (var raw = await RawClient.ConnectAsync(cluster.WebSocketUri))
        {
            var challenge = (await raw.HelloAsync()).Challenge;
            var wrong = RawClient.SignChallenge(DeviceIdentity.Create(), challenge);
            var answer = await raw.RequestAsync(new ClientFrame { Login = new LoginRequest { UserId = carol.UserId, DeviceId = carol.DeviceId, ChallengeSignature = ByteString.CopyFrom(wrong) } });
            Assert.Equal(ErrorCode.AuthFailed, answer.Error.Code);
            secrets.Add(challenge.ToByteArray());
            secrets.Add(wrong);
        }

        await exchange.DisposeAsync(); // both clients log out before the processes stop

        // SIGTERM every process (gateways first) and wait for it to exit: its output is then complete.
        foreach (var process in cluster.Gateways.Select(g => g.Process).Concat(cluster.Silos.Select(s => s.Process)))
        {
            Assert.True(await process.TerminateAsync(ExitTimeout), $"{process.Name} exits on SIGTERM.{Environment.NewLine}{cluster.Diagnostics()}");
        }

        var logs = cluster.Gateways.Select(g => g.Process).Concat(cluster.Silos.Select(s => s.Process))
            .Select(p => (p.Name, Text: string.Join('\n', p.AllOutput())))
            .ToArray();
        foreach (var (name, text) in logs)
        {
            output.WriteLine($"{name}: {text.Length} characters, {text.Count(c => c == '\n') + 1} lines");
        }

        // The capture is complete and verbose: the silos' first lines (written at start) are there, the
        // message path's Debug lines are there, and the gateway logged its WebSocket requests and Trace lines.
        var databaseName = new NpgsqlConnectionStringBuilder(database).Database!;
        var silos = logs.Where(l => l.Name.StartsWith("silo", StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, silos.Length);
        Assert.All(silos, l => Assert.Contains($"PostgreSQL message store ready in database {databaseName}", l.Text, StringComparison.Ordinal));
        Assert.Contains(silos, l => l.Text.Contains("Committed ", StringComparison.Ordinal) && l.Text.Contains(" write requests (", StringComparison.Ordinal));
        var gateway = logs.Single(l => l.Name == "gateway").Text;
        Assert.Contains("trce:", gateway, StringComparison.Ordinal);
        Assert.Contains("/ws", gateway, StringComparison.Ordinal);

        var forbidden = _markers.Select(m => (What: "plaintext marker", Form: m))
            .Concat(secrets.SelectMany(s => TextForms(s).Select(f => (What: "login challenge or signature", Form: f))))
            .ToArray();
        Assert.True(forbidden.Length > _markers.Count, "the authentication secrets are searched for too");
        foreach (var (name, text) in logs)
        {
            var leaks = forbidden.Where(f => text.Contains(f.Form, StringComparison.OrdinalIgnoreCase)).ToArray();
            Assert.True(leaks.Length == 0, $"{name}'s log holds {string.Join(", ", leaks.Select(l => $"a {l.What} ({l.Form})"))}");
        }

        Assert.Equal(Enumerable.Range(1, exchange.Rows).Select(i => (long)i), await SeqsAsync(database, exchange.ConversationId));
    }

    /// <summary>How a byte string is usually written into text: hex (either case; compared ignoring case) and base64 (padded or not, standard or URL alphabet).</summary>
    private static IEnumerable<string> TextForms(byte[] bytes)
    {
        var base64 = Convert.ToBase64String(bytes);
        yield return Convert.ToHexString(bytes);
        yield return base64;
        yield return base64.TrimEnd('=').Replace('+', '-').Replace('/', '_');
        yield return BitConverter.ToString(bytes);
    }

    private sealed class Exchange(XChatClient alice, XChatClient bob) : IAsyncDisposable
    {
        private bool _disposed;

        public XChatClient Alice => alice;

        public XChatClient Bob => bob;

        public string ConversationId { get; set; } = string.Empty;

        /// <summary>The chat messages sent.</summary>
        public int Sent { get; set; }

        /// <summary>The conversation's seq after the last send.</summary>
        public long LastSeq { get; set; }

        /// <summary>Every row of the conversation at the end: the chat messages and the devices' silent delivery receipts.</summary>
        public int Rows { get; set; }

        public async ValueTask DisposeAsync()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            await alice.DisposeAsync();
            await bob.DisposeAsync();
        }
    }

    /// <summary>
    /// Alice and Bob register through the cluster's gateway and exchange messages both ways (each
    /// holding a fresh random marker), each side syncing and decrypting every one. The clients stay
    /// open; the test disposes them (or the cluster goes away under them).
    /// </summary>
    private async Task<Exchange> ExchangeAsync(XChatCluster cluster)
    {
        var aliceHandle = ChatUser.NewHandle("alice");
        var bobHandle = ChatUser.NewHandle("bob");
        var alice = await XChatClient.RegisterAsync(cluster.WebSocketUri, Path.Combine(_profiles, "alice"), aliceHandle, options: ChatUser.TestOptions());
        XChatClient bob;
        try
        {
            bob = await XChatClient.RegisterAsync(cluster.WebSocketUri, Path.Combine(_profiles, "bob"), bobHandle, options: ChatUser.TestOptions());
        }
        catch
        {
            await alice.DisposeAsync();
            throw;
        }

        var exchange = new Exchange(alice, bob);
        try
        {
            async Task SendAsync(XChatClient from, string to, IReadOnlyList<string> texts)
            {
                foreach (var text in texts)
                {
                    var message = await from.SendTextAsync(to, text);
                    Assert.True(message.Seq > exchange.LastSeq, "seqs grow (delivery receipts take seqs in between)");
                    exchange.LastSeq = message.Seq;
                    exchange.Sent++;
                    if (exchange.ConversationId.Length == 0)
                    {
                        exchange.ConversationId = message.Conversation;
                    }

                    Assert.Equal(exchange.ConversationId, message.Conversation);
                }
            }

            static async Task ExpectAsync(XChatClient reader, string fromHandle, IReadOnlyList<string> texts)
            {
                var synced = await reader.SyncAsync();
                Assert.Empty(synced.Failures);
                Assert.Equal(texts, synced.Messages.Select(m => m.Text));
                Assert.All(synced.Messages, m => Assert.Equal(fromHandle, m.From));
            }

            var fromAlice = Texts(3);
            await SendAsync(alice, bobHandle, fromAlice);
            await ExpectAsync(bob, aliceHandle, fromAlice);

            var fromBob = Texts(2);
            await SendAsync(bob, aliceHandle, fromBob);
            await ExpectAsync(alice, bobHandle, fromBob);

            // Interleaved, so both ratchets turn again; one longer text among them.
            var a = Texts(1, repeat: 40);
            var b = Texts(1);
            await SendAsync(alice, bobHandle, a);
            await SendAsync(bob, aliceHandle, b);
            await ExpectAsync(bob, aliceHandle, a);
            await ExpectAsync(alice, bobHandle, b);
            Assert.Empty((await alice.SyncAsync()).Messages);
            Assert.Empty((await bob.SyncAsync()).Messages);

            string[] all = [.. fromAlice, .. fromBob, .. a, .. b];
            Assert.Equal(all, (await alice.HistoryAsync(bobHandle)).Select(m => m.Text));
            Assert.Equal(all, (await bob.HistoryAsync(aliceHandle)).Select(m => m.Text));
            exchange.Rows = (int)(await alice.Connection.ListConversationsAsync()).Single().LastSeq;
            Assert.True(exchange.Rows > exchange.Sent, "every sync that fetched the other's messages sent a receipt");
            return exchange;
        }
        catch
        {
            await exchange.DisposeAsync();
            throw;
        }
    }

    /// <summary>Message texts, each with a fresh random marker (recorded in <see cref="_markers"/>).</summary>
    private string[] Texts(int count, int repeat = 1) =>
        Enumerable.Range(0, count).Select(_ =>
        {
            var marker = $"pt{Guid.NewGuid():N}";
            _markers.Add(marker);
            return string.Join(' ', Enumerable.Repeat($"secret words {marker}", repeat));
        }).ToArray();

    private static async Task<long> SilentRowsAsync(string database, string conversationId)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM xchat_messages WHERE conversation_id = @c AND silent AND shared_ciphertext IS NULL AND device_ciphertexts IS NOT NULL", connection);
        command.Parameters.AddWithValue("c", conversationId);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<List<long>> SeqsAsync(string database, string conversationId)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var all = new NpgsqlCommand("SELECT count(*) FROM xchat_messages", connection);
        var total = (long)(await all.ExecuteScalarAsync())!;
        await using var command = new NpgsqlCommand("SELECT seq FROM xchat_messages WHERE conversation_id = @c ORDER BY seq", connection);
        command.Parameters.AddWithValue("c", conversationId);
        var seqs = new List<long>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                seqs.Add(reader.GetInt64(0));
            }
        }

        Assert.Equal(seqs.Count, total); // the conversation's rows are all the rows there are
        return seqs;
    }

    private static async Task ExecuteAsync(string database, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync();
    }
}
