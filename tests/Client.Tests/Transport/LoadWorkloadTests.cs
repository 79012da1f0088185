using XChat.Client.Tests.Transport.Fakes;
using XChat.LoadTests;

namespace XChat.Client.Tests.Transport;

/// <summary>The load tool's XChat workload, small, against the fake gateway: it must count every message once.</summary>
public sealed class LoadWorkloadTests : IAsyncLifetime
{
    private FakeGateway _gateway = null!;

    public async Task InitializeAsync() => _gateway = await FakeGateway.StartAsync();

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task RunAsync_FakeGateway_DeliversEveryMessageOnce()
    {
        var options = LoadOptions.Parse(["--server", _gateway.Uri.ToString(), "--pairs", "4", "--messages", "50", "--window", "5", "--timeout-seconds", "30"]);
        var pairs = await XChatPair.SetUpAsync(options.Server!, options, CancellationToken.None);
        try
        {
            var result = await LoadRunner.RunAsync("xchat", pairs, options, serverCpu: new CpuMeter(Environment.ProcessId));

            Assert.Equal(200, result.Delivered);
            Assert.Equal(0, result.Lost);
            Assert.Equal(0, result.Duplicated);
            Assert.Equal(0, result.Reordered);
            Assert.Equal(200, result.LatencyMicroseconds.TotalCount);
            Assert.NotNull(result.ServerCpu);
        }
        finally
        {
            foreach (var pair in pairs)
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
