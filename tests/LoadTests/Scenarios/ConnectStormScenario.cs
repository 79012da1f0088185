using System.Diagnostics;
using XChat.Client.Transport;

namespace XChat.LoadTests.Scenarios;

/// <summary>
/// connect-storm: N new devices register as fast as the bounded concurrency allows (each
/// connection closes after registering), then all N log in again and stay connected, idle. The
/// server's resident memory (VmRSS) is read before, after the registrations and after the logins,
/// each after a settle wait: growth ÷ N is the memory of one idle connection. Point it at a
/// cluster gateway's PID for the gateway alone; a standalone server also holds the users' grains.
/// Each phase ends at --timeout-seconds: 10,000 registrations need more than the default 120.
/// </summary>
internal static class ConnectStormScenario
{
    public static async Task<ScenarioReport> RunAsync(LoadOptions options, ReportHeader header)
    {
        var server = options.Server!;
        var run = LoadUsers.NewRunId();
        var identities = new DeviceIdentity?[options.Connections];
        var connections = new XChatConnection?[options.Connections];
        try
        {
            var rssBefore = ServerRss(options);
            var register = await StormAsync("register", options, async (i, token) =>
            {
                var identity = DeviceIdentity.Create();
                await using var connection = await LoadUsers.RegisterAsync(server, $"{run}_{i}", token, identity);
                identities[i] = identity;
            });
            await Task.Delay(options.Settle);
            var rssRegistered = ServerRss(options);

            var login = await StormAsync("login", options, async (i, token) =>
            {
                if (identities[i] is not { } identity)
                {
                    throw new InvalidOperationException("Not registered.");
                }

                // ConnectAsync logs a registered identity in before it returns.
                connections[i] = await XChatConnection.ConnectAsync(server, identity, LoadUsers.ConnectionOptions, token);
            });
            await Task.Delay(options.Settle);
            var rssIdle = ServerRss(options);
            var open = connections.Count(c => c is { State: ConnectionState.Connected });

            var figures = new List<Figure>
            {
                new("registrations", register.Succeeded, "devices"),
                new("registration failures", register.Failed, "devices"),
                new("registrations/s", register.PerSecond, "1/s"),
                new("logins", login.Succeeded, "connections"),
                new("login failures", login.Failed, "connections"),
                new("logins/s", login.PerSecond, "1/s"),
                new("connected after settle", open, "connections"),
                new("server rss before", Mib(rssBefore), "MiB"),
                new("server rss after registrations", Mib(rssRegistered), "MiB"),
                new("server rss with idle connections", Mib(rssIdle), "MiB"),
                // The task's measure: all growth ÷ N. Against a cluster gateway process that is the
                // connections alone; against a standalone server it includes each user's grains.
                new("server memory per idle connection", PerConnection(rssIdle - rssBefore, login.Succeeded), "KiB"),
                // A lower bound: the logins reuse heap the closed registration connections freed.
                new("server memory growth per login", PerConnection(rssIdle - rssRegistered, login.Succeeded), "KiB"),
            };
            if (register.FirstError is not null || login.FirstError is not null)
            {
                Console.Error.WriteLine($"first failures: register {register.FirstError ?? "none"}; login {login.FirstError ?? "none"}");
            }

            return header.Complete(new Dictionary<string, string>
            {
                ["connections"] = options.Connections.ToString(),
                ["concurrency"] = options.SetupParallelism.ToString(),
                ["settle seconds"] = options.Settle.TotalSeconds.ToString(),
                ["server pid"] = options.ServerPid?.ToString() ?? "not given (no memory figures)",
            }, figures);
        }
        finally
        {
            await Parallel.ForEachAsync(connections, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (c, _) =>
            {
                if (c is not null)
                {
                    await c.DisposeAsync();
                }
            });
        }
    }

    private sealed record StormResult(int Succeeded, int Failed, double PerSecond, string? FirstError);

    /// <summary>Runs one step for every index with the setup concurrency; failures are counted, the first one described.</summary>
    private static async Task<StormResult> StormAsync(string phase, LoadOptions options, Func<int, CancellationToken, Task> step)
    {
        using var deadline = new CancellationTokenSource(options.Timeout);
        int succeeded = 0, failed = 0;
        string? firstError = null;
        var clock = Stopwatch.StartNew();
        await using (ProgressLine.Start(phase, () => $"{Volatile.Read(ref succeeded)}/{options.Connections} done, {Volatile.Read(ref failed)} failed"))
        {
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.SetupParallelism };
            await Parallel.ForEachAsync(Enumerable.Range(0, options.Connections), parallel, async (i, _) =>
            {
                try
                {
                    await step(i, deadline.Token);
                    Interlocked.Increment(ref succeeded);
                }
                catch (Exception e)
                {
                    // Every failure shape counts the same here: refused, reset, timed out, refused by the server.
                    Interlocked.Increment(ref failed);
                    Interlocked.CompareExchange(ref firstError, $"{e.GetType().Name}: {e.Message}", null);
                }
            });
        }

        var elapsed = clock.Elapsed.TotalSeconds;
        return new StormResult(succeeded, failed, elapsed > 0 ? succeeded / elapsed : double.NaN, firstError);
    }

    /// <summary>VmRSS of the server process in bytes, or null without --server-pid.</summary>
    private static long? ServerRss(LoadOptions options)
    {
        if (options.ServerPid is not { } pid)
        {
            return null;
        }

        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0]) * 1024;
    }

    private static double Mib(long? bytes) => bytes is { } b ? b / (1024.0 * 1024.0) : double.NaN;

    private static double PerConnection(long? bytes, int connections) => bytes is { } b && connections > 0 ? b / 1024.0 / connections : double.NaN;
}
