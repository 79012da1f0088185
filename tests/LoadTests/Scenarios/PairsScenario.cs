namespace XChat.LoadTests.Scenarios;

/// <summary>
/// pairs: the 1:1 workload against XChat and the bare relay, then their ratio. cluster: the same
/// workload against several gateways of one cluster, pairs spread over them, without the relay.
/// With --e2e the XChat workload is end-to-end encrypted ("xchat-e2e"); with --e2e-compare the plain
/// one runs first and the encrypted one after it, on fresh pairs, and their ratio is reported.
/// </summary>
internal static class PairsScenario
{
    public static async Task<ScenarioReport> RunAsync(LoadOptions options, ReportHeader header)
    {
        using var setupTimeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var figures = new List<Figure>();
        LoadResult? xchat = null;
        if (options.Server is not null && options.E2e != E2eMode.Only)
        {
            var pairs = await XChatPair.SetUpAsync(options, setupTimeout.Token);
            var cpu = options.ServerPid is { } pid ? new CpuMeter(pid) : null;
            xchat = await RunWithProgressAsync("xchat", pairs, options, cpu);
            await LoadUsers.DisposeAllAsync(pairs);
            Report.Print(xchat, options);
            figures.AddRange(Figures(xchat));
        }

        if (options.E2e != E2eMode.Off)
        {
            var e2e = await E2eWorkload.RunAsync(options, setupTimeout.Token);
            Report.Print(e2e.Result, options);
            e2e.Print(plain: xchat);
            figures.AddRange(Figures(e2e.Result));
            figures.AddRange(e2e.Figures(plain: xchat));
            xchat ??= e2e.Result;
        }

        if (options.RunsRelay)
        {
            await using var relay = await RelayServer.StartAsync();
            var pairs = await RelayPair.SetUpAsync(relay, options, setupTimeout.Token);
            var result = await RunWithProgressAsync("relay", pairs, options, serverCpu: null);
            await LoadUsers.DisposeAllAsync(pairs);
            Report.Print(result, options);
            figures.AddRange(Figures(result));
            if (xchat is not null)
            {
                Report.PrintRatio(xchat, result);
                figures.Add(new Figure($"{xchat.Name}/relay throughput", Ratio(xchat.Throughput, result.Throughput), "ratio"));
                figures.Add(new Figure($"{xchat.Name}/relay latency p99", Ratio(xchat.LatencyMs(99), result.LatencyMs(99)), "ratio"));
            }
        }

        return header.Complete(new Dictionary<string, string>
        {
            ["gateways"] = options.Servers.Count.ToString(),
            ["pairs"] = options.Pairs.ToString(),
            ["messages per pair"] = options.Messages.ToString(),
            ["payload bytes"] = options.PayloadBytes.ToString(),
            ["window"] = options.Window.ToString(),
            ["warm-up messages per pair"] = options.Warmup.ToString(),
            ["e2e"] = options.E2e.ToString().ToLowerInvariant(),
        }, figures);
    }

    internal static async Task<LoadResult> RunWithProgressAsync(string name, IReadOnlyList<ILoadPair> pairs, LoadOptions options, CpuMeter? serverCpu)
    {
        if (options.Warmup > 0)
        {
            // The same workload on the same pairs, before the clock: first calls (the JIT, grain
            // activations, connection buffers) fall here and not into the figures.
            var warmup = await LoadRunner.RunAsync($"{name} warm-up", pairs, options with { MessagesOption = options.Warmup }, serverCpu: null);
            Console.WriteLine($"{name} warm-up: {warmup.Delivered}/{warmup.Expected} delivered in {warmup.Elapsed.TotalSeconds:F1} s, not measured");
            if (warmup.Delivered != warmup.Expected || warmup.Duplicated != 0 || warmup.SendErrors != 0)
            {
                throw new InvalidOperationException($"The {name} warm-up lost, repeated or failed messages; the measured run would start with them in flight.");
            }
        }

        var progress = new LoadProgress();
        await using (ProgressLine.Start(name, () => $"{progress.Delivered}/{(long)options.Messages * pairs.Count} delivered"))
        {
            return await LoadRunner.RunAsync(name, pairs, options, serverCpu, progress);
        }
    }

    internal static IEnumerable<Figure> Figures(LoadResult result)
    {
        var n = result.Name;
        yield return new Figure($"{n} delivered", result.Delivered, "messages");
        yield return new Figure($"{n} throughput", result.Throughput, "msgs/s");
        yield return new Figure($"{n} latency p50", result.LatencyMs(50), "ms");
        yield return new Figure($"{n} latency p90", result.LatencyMs(90), "ms");
        yield return new Figure($"{n} latency p99", result.LatencyMs(99), "ms");
        yield return new Figure($"{n} latency max", result.MaxLatencyMs, "ms");
        yield return new Figure($"{n} lost", result.Lost, "messages");
        yield return new Figure($"{n} duplicated", result.Duplicated, "messages");
        yield return new Figure($"{n} reordered", result.Reordered, "messages");
        yield return new Figure($"{n} send errors", result.SendErrors, "sends");
        if (result.ServerCpu is { } serverCpu)
        {
            yield return new Figure($"{n} server cpu", serverCpu.TotalSeconds, "s");
        }

        if (result.Hops is { } hops)
        {
            foreach (var (label, histogram) in new[] { ("send to ack", hops.ToAck), ("send to stamp", hops.ToStamp), ("stamp to receipt", hops.FromStamp) })
            {
                yield return new Figure($"{n} {label} p50", histogram.GetValueAtPercentile(50) / 1000.0, "ms");
                yield return new Figure($"{n} {label} p99", histogram.GetValueAtPercentile(99) / 1000.0, "ms");
            }
        }
    }

    internal static double Ratio(double a, double b) => b > 0 ? a / b : double.NaN;
}
