using XChat.LoadTests;

// xchat-load: the same pairwise workload against an XChat gateway and against a bare WebSocket
// relay, with throughput, latency and delivery-correctness figures and their ratio.
LoadOptions options;
try
{
    options = LoadOptions.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException or OverflowException or UriFormatException)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(LoadOptions.Usage);
    return 2;
}

using var setupTimeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
LoadResult? xchat = null;
if (options.Server is { } server)
{
    var pairs = await XChatPair.SetUpAsync(server, options, setupTimeout.Token);
    var cpu = options.ServerPid is { } pid ? new CpuMeter(pid) : null;
    xchat = await LoadRunner.RunAsync("xchat", pairs, options, cpu);
    await DisposeAllAsync(pairs);
    Report.Print(xchat, options);
}

if (!options.SkipRelay)
{
    await using var relay = await RelayServer.StartAsync();
    var pairs = await RelayPair.SetUpAsync(relay, options, setupTimeout.Token);
    var result = await LoadRunner.RunAsync("relay", pairs, options, serverCpu: null);
    await DisposeAllAsync(pairs);
    Report.Print(result, options);
    if (xchat is not null)
    {
        Report.PrintRatio(xchat, result);
    }
}

return 0;

static async Task DisposeAllAsync(IReadOnlyList<ILoadPair> pairs)
{
    foreach (var pair in pairs)
    {
        await pair.DisposeAsync();
    }
}
