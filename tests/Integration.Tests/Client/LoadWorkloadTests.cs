using System.Runtime.CompilerServices;
using System.Threading.Channels;
using XChat.LoadTests;
using XChat.TestSupport;

namespace XChat.Integration.Tests.Client;

/// <summary>The load tool's XChat workload, small, against the real server: it must count every message once.</summary>
[Collection(ClientServerCollection.Name)]
public sealed class LoadWorkloadTests(ClientServerFixture fixture)
{
    private readonly StandaloneServer _server = fixture.Server;

    [Fact]
    public async Task RunAsync_StandaloneServer_DeliversEveryMessageOnce()
    {
        const int pairs = 3, messages = 20;
        var options = LoadOptions.Parse(["--server", _server.WebSocketUri.ToString(), "--pairs", $"{pairs}", "--messages", $"{messages}", "--window", "5", "--timeout-seconds", "30"]);
        var loadPairs = await XChatPair.SetUpAsync(options, CancellationToken.None);
        try
        {
            // The server runs in this process, so this process's CPU is the server's (and the tool's).
            var result = await LoadRunner.RunAsync("xchat", loadPairs, options, serverCpu: new CpuMeter(Environment.ProcessId));

            Assert.Equal(pairs * messages, result.Expected);
            Assert.Equal(pairs * messages, result.Delivered);
            Assert.Equal(0, result.Lost);
            Assert.Equal(0, result.Duplicated);
            Assert.Equal(0, result.Reordered);
            Assert.Equal(0, result.SendErrors);
            Assert.Equal(pairs * messages, result.LatencyMicroseconds.TotalCount);
            Assert.NotNull(result.ServerCpu);
        }
        finally
        {
            foreach (var pair in loadPairs)
            {
                await pair.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task RunAsync_E2eStandaloneServer_DecryptsEveryMessageOnce()
    {
        const int pairs = 2, messages = 20;
        var options = LoadOptions.Parse(["--server", _server.WebSocketUri.ToString(), "--pairs", $"{pairs}", "--messages", $"{messages}", "--window", "5", "--timeout-seconds", "30", "--e2e"]);
        Assert.Equal(E2eMode.Only, options.E2e);
        var connected = await XChatPair.SetUpAsync(options, CancellationToken.None);
        var loadPairs = await E2ePair.EstablishAsync(connected, messages);
        try
        {
            var result = await LoadRunner.RunAsync("xchat-e2e", loadPairs, options, serverCpu: null);

            Assert.Equal(pairs * messages, result.Delivered);
            Assert.Equal(0, result.Lost);
            Assert.Equal(0, result.Duplicated);
            Assert.Equal(0, result.Reordered);
            Assert.Equal(0, result.SendErrors);
            Assert.True(loadPairs.Sum(p => p.DecryptFailures) == 0, "every message sent through the server must decrypt to the plaintext that was sent");
            Assert.Equal(pairs * messages, loadPairs.Sum(p => p.Encrypted));
            Assert.Equal(pairs * messages, loadPairs.Sum(p => p.Decrypted));
        }
        finally
        {
            foreach (var pair in loadPairs)
            {
                await pair.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task E2ePair_TamperedCiphertext_CountsDecryptFailureAndDoesNotDeliver()
    {
        const int messages = 5;
        var options = LoadOptions.Parse(["--pairs", "1", "--messages", $"{messages}", "--window", "1", "--timeout-seconds", "10"]);
        var pair = (await E2ePair.EstablishAsync([new LoopbackPair(tamperIndex: 2, messages)], messages))[0];
        await using (pair)
        {
            var result = await LoadRunner.RunAsync("xchat-e2e", [pair], options, serverCpu: null);

            Assert.True(pair.DecryptFailures == 1, "a changed ciphertext must fail authentication and be counted");
            Assert.Equal(messages - 1, result.Delivered);
            Assert.Equal(1, result.Lost);
            Assert.Equal(messages - 1, pair.Decrypted);
        }
    }

    [Fact]
    public async Task RunWithProgress_WithWarmup_MeasuresOnlyTheMessagesAfterIt()
    {
        const int pairs = 2, messages = 15, warmup = 7;
        var options = LoadOptions.Parse(["--server", _server.WebSocketUri.ToString(), "--pairs", $"{pairs}", "--messages", $"{messages}",
            "--window", "5", "--warmup", $"{warmup}", "--timeout-seconds", "30"]);
        var loadPairs = await XChatPair.SetUpAsync(options, CancellationToken.None);
        try
        {
            var result = await XChat.LoadTests.Scenarios.PairsScenario.RunWithProgressAsync("xchat", loadPairs, options, serverCpu: null);

            // The warm-up's messages went over the same pairs first, and none of them is counted.
            Assert.Equal(pairs * messages, result.Expected);
            Assert.Equal(pairs * messages, result.Delivered);
            Assert.Equal(pairs * messages, result.LatencyMicroseconds.TotalCount);
            Assert.Equal(0, result.Duplicated);
            Assert.Equal(0, result.Reordered);
            Assert.Equal(0, result.SendErrors);
            foreach (var pair in loadPairs.Cast<XChatPair>())
            {
                Assert.Equal((ulong)(warmup + messages), await pair.LastSeqAsync());
            }
        }
        finally
        {
            foreach (var pair in loadPairs)
            {
                await pair.DisposeAsync();
            }
        }
    }

    [Theory]
    [InlineData("--warmup", "1000001")]
    [InlineData("--server", "ws://192.168.1.10:5080/ws")]
    [InlineData("--pairs", "0")]
    [InlineData("--bogus", "1")]
    public void Parse_BadArguments_Throws(string name, string value)
    {
        Assert.Throws<ArgumentException>(() => LoadOptions.Parse([name, value]));
    }

    /// <summary>
    /// An in-memory pair: what is sent is received in order, the <c>tamperIndex</c>-th with one bit
    /// flipped; the wire closes after the last message, which ends the receiver's loop.
    /// </summary>
    private sealed class LoopbackPair(int tamperIndex, int messages) : ILoadPair
    {
        private readonly Channel<byte[]> _wire = Channel.CreateUnbounded<byte[]>();
        private int _sent;

        public bool WindowEndsAtReceipt => false;

        public async Task SendAsync(byte[] payload, CancellationToken cancellationToken)
        {
            var copy = (byte[])payload.Clone();
            var index = _sent++;
            if (index == tamperIndex)
            {
                copy[^1] ^= 0x01;
            }

            await _wire.Writer.WriteAsync(copy, cancellationToken);
            if (index == messages - 1)
            {
                _wire.Writer.Complete();
            }
        }

        public async IAsyncEnumerable<Receipt> ReceiveAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            var order = 0L;
            await foreach (var payload in _wire.Reader.ReadAllAsync(cancellationToken))
            {
                yield return new Receipt(payload, ++order);
            }
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
