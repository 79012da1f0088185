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

    [Theory]
    [InlineData("--server", "ws://192.168.1.10:5080/ws")]
    [InlineData("--pairs", "0")]
    [InlineData("--bogus", "1")]
    public void Parse_BadArguments_Throws(string name, string value)
    {
        Assert.Throws<ArgumentException>(() => LoadOptions.Parse([name, value]));
    }
}
