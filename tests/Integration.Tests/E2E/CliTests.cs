using System.Diagnostics;
using System.Text.Json;
using XChat.TestSupport;

namespace XChat.Integration.Tests.E2E;

/// <summary>Runs the built <c>xchat</c> in two profiles against a real server.</summary>
public sealed partial class CliTests
{
    [Fact]
    public async Task Xchat_RegisterSendSyncJson_ShowsTheText()
    {
        var root = Directory.CreateTempSubdirectory("xchat-cli-").FullName;
        await using var server = await StandaloneServer.StartAsync(Path.Combine(root, "server"));
        var alice = Path.Combine(root, "alice");
        var bob = Path.Combine(root, "bob");
        var url = server.WebSocketUri.ToString();

        Assert.Equal(0, (await RunAsync("register", "--server", url, "--handle", "alice", "--profile", alice)).Code);
        Assert.Equal(0, (await RunAsync("register", "--server", url, "--handle", "bob", "--profile", bob)).Code);
        Assert.Equal(0, (await RunAsync("send", "bob", "hello from the cli", "--profile", alice)).Code);

        var sync = await RunAsync("sync", "--json", "--profile", bob);
        Assert.Equal(0, sync.Code);
        var line = Assert.Single(sync.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using var json = JsonDocument.Parse(line);
        Assert.Equal("hello from the cli", json.RootElement.GetProperty("text").GetString());
        Assert.Equal("alice", json.RootElement.GetProperty("from").GetString());
        Assert.Equal(1, json.RootElement.GetProperty("seq").GetInt64());
        Assert.True(json.RootElement.TryGetProperty("conversation", out _));
        Assert.True(json.RootElement.TryGetProperty("sentAt", out _));

        var history = await RunAsync("history", "alice", "--json", "--profile", bob);
        Assert.Contains("hello from the cli", history.Out);

        // A user mistake: one line on stderr, non-zero exit, no stack trace.
        var unknown = await RunAsync("send", "nobody_here", "x", "--profile", alice);
        Assert.NotEqual(0, unknown.Code);
        Assert.Single(unknown.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("   at ", unknown.Err);

        await server.StopAsync();
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task Xchat_LinkAndApprove_SecondDeviceReceivesMessages()
    {
        var root = Directory.CreateTempSubdirectory("xchat-cli-link-").FullName;
        await using var server = await StandaloneServer.StartAsync(Path.Combine(root, "server"));
        var alice = Path.Combine(root, "alice");
        var alice2 = Path.Combine(root, "alice2");
        var bob = Path.Combine(root, "bob");
        var url = server.WebSocketUri.ToString();
        Assert.Equal(0, (await RunAsync("register", "--server", url, "--handle", "alice", "--profile", alice)).Code);
        Assert.Equal(0, (await RunAsync("register", "--server", url, "--handle", "bob", "--profile", bob)).Code);

        var (approveOut, linkOut) = await LinkAsync(url, "alice", alice2, approver: alice);
        Assert.Contains("Approved device 2", approveOut);
        Assert.Contains("Linked as device 2", linkOut);

        Assert.Equal(0, (await RunAsync("send", "alice", "to both devices", "--profile", bob)).Code);
        foreach (var profile in new[] { alice, alice2 })
        {
            var sync = await RunAsync("sync", "--json", "--profile", profile);
            Assert.Equal(0, sync.Code);
            Assert.Contains("to both devices", sync.Out);
        }

        await server.StopAsync();
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task Xchat_Groups_CreateAddRemove_SendHistoryJson_Watch_AndVerifyAccept()
    {
        var root = Directory.CreateTempSubdirectory("xchat-cli-groups-").FullName;
        await using var server = await StandaloneServer.StartAsync(Path.Combine(root, "server"));
        var (alice, bob, bob2, carol) = (Path.Combine(root, "alice"), Path.Combine(root, "bob"), Path.Combine(root, "bob2"), Path.Combine(root, "carol"));
        var url = server.WebSocketUri.ToString();
        var marker = $"m{Guid.NewGuid():N}";
        foreach (var (handle, profile) in new[] { ("alice", alice), ("bob", bob), ("carol", carol) })
        {
            Assert.Equal(0, (await RunAsync("register", "--server", url, "--handle", handle, "--profile", profile)).Code);
        }

        // group create prints the id alone on stdout.
        var created = await RunAsync("group", "create", $"team {marker}", "bob", "--profile", alice);
        Assert.True(created.Code == 0, created.Err);
        var id = created.Out.Trim();
        Assert.Matches("^g_[0-9a-f]{32}$", id);
        Assert.Equal(0, (await RunAsync("send", "--group", id, $"{marker} hello group", "--profile", alice)).Code);

        var bobSync = await RunAsync("sync", "--json", "--profile", bob);
        Assert.True(bobSync.Code == 0, bobSync.Err);
        using (var line = JsonDocument.Parse(Assert.Single(Lines(bobSync.Out))))
        {
            Assert.Equal(id, line.RootElement.GetProperty("conversation").GetString());
            Assert.Equal("alice", line.RootElement.GetProperty("from").GetString());
            Assert.Equal($"{marker} hello group", line.RootElement.GetProperty("text").GetString());
            Assert.Equal($"team {marker}", line.RootElement.GetProperty("group").GetString());
            Assert.True(line.RootElement.GetProperty("seq").GetInt64() > 0);
            Assert.True(line.RootElement.TryGetProperty("sentAt", out _));
        }

        var bobGroups = await RunAsync("groups", "--json", "--profile", bob);
        using (var group = JsonDocument.Parse(Assert.Single(Lines(bobGroups.Out))))
        {
            Assert.Equal(id, group.RootElement.GetProperty("id").GetString());
            Assert.Equal($"team {marker}", group.RootElement.GetProperty("name").GetString());
            Assert.Equal(["alice", "bob"], group.RootElement.GetProperty("members").EnumerateArray().Select(m => m.GetString()).Order());
        }

        // Only the owner adds members: one clear line, no stack trace.
        var refused = await RunAsync("group", "add", id, "carol", "--profile", bob);
        Assert.Equal(1, refused.Code);
        Assert.Single(Lines(refused.Err));
        Assert.DoesNotContain("   at ", refused.Err);
        Assert.Equal(0, (await RunAsync("group", "add", id, "carol", "--profile", alice)).Code);

        // Carol watches; Bob's next group message appears on her stdout as it arrives.
        using var watch = Start("watch", "--json", "--profile", carol);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            while (await watch.StandardError.ReadLineAsync(timeout.Token) is { } status && !status.StartsWith("Watching", StringComparison.Ordinal))
            {
            }

            Assert.Equal(0, (await RunAsync("send", "--group", id, $"{marker} live", "--profile", bob)).Code);
            string? seen = null;
            while (seen is null && await watch.StandardOutput.ReadLineAsync(timeout.Token) is { } output)
            {
                using var json = JsonDocument.Parse(output);
                seen = json.RootElement.GetProperty("text").GetString() == $"{marker} live" ? output : null;
            }

            Assert.NotNull(seen);
            Assert.Contains("\"from\":\"bob\"", seen);
        }
        finally
        {
            Process.GetProcessById(watch.Id).Kill();
            await watch.WaitForExitAsync();
        }

        // Carol is removed; what follows is not hers to read.
        Assert.Equal(0, (await RunAsync("group", "remove", id, "carol", "--profile", alice)).Code);
        Assert.Equal(0, (await RunAsync("send", "--group", id, $"{marker} after removal", "--profile", alice)).Code);
        Assert.Equal(0, (await RunAsync("sync", "--profile", bob)).Code);
        var history = await RunAsync("history", "--group", id, "--json", "--profile", bob);
        Assert.True(history.Code == 0, history.Err);
        Assert.Equal([$"{marker} hello group", $"{marker} live", $"{marker} after removal"], Lines(history.Out).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("text").GetString()));
        Assert.DoesNotContain("after removal", (await RunAsync("sync", "--json", "--profile", carol)).Out);
        Assert.Empty(Lines((await RunAsync("groups", "--json", "--profile", carol)).Out));

        // Alice verifies Bob; Bob links a second device; Alice's sends stop until she accepts the new keys.
        Assert.Contains("not verified", (await RunAsync("verify", "bob", "--profile", alice)).Out);
        Assert.Contains("Status: verified", (await RunAsync("verify", "bob", "--accept", "--profile", alice)).Out);
        await LinkAsync(url, "bob", bob2, approver: bob);
        var blocked = await RunAsync("send", "bob", $"{marker} blocked", "--profile", alice);
        Assert.Equal(1, blocked.Code);
        Assert.Contains("xchat verify bob --accept", Assert.Single(Lines(blocked.Err)));
        Assert.Contains("CHANGED", (await RunAsync("verify", "bob", "--profile", alice)).Out);
        Assert.Contains("Status: verified", (await RunAsync("verify", "bob", "--accept", "--profile", alice)).Out);
        Assert.Equal(0, (await RunAsync("send", "bob", $"{marker} accepted", "--profile", alice)).Code);
        Assert.Contains($"{marker} accepted", (await RunAsync("sync", "--json", "--profile", bob2)).Out);

        await server.StopAsync();
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>`xchat link` in <paramref name="profile"/> prints a code and waits; `xchat approve CODE` on <paramref name="approver"/> lets it finish. Returns both outputs.</summary>
    private static async Task<(string ApproveOut, string LinkOut)> LinkAsync(string url, string handle, string profile, string approver)
    {
        using var link = Start("link", "--server", url, "--handle", handle, "--profile", profile);
        var linkErr = link.StandardError.ReadToEndAsync();
        string? code = null;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        while (code is null && await link.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("Link code: ", StringComparison.Ordinal))
            {
                code = line["Link code: ".Length..].Trim();
            }
        }

        Assert.NotNull(code);
        var linkOut = link.StandardOutput.ReadToEndAsync();
        var approve = await RunAsync("approve", code, "--profile", approver);
        Assert.True(approve.Code == 0, approve.Err);
        await link.WaitForExitAsync(timeout.Token);
        Assert.True(link.ExitCode == 0, await linkErr);
        return (approve.Out, await linkOut);
    }

    private static Process Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(XchatDll());
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["XCHAT_PASSPHRASE"] = "";
        return Process.Start(start)!;
    }

    private static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(XchatDll());
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["XCHAT_PASSPHRASE"] = "";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    private static string XchatDll()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "XChat.Orleans.sln")))
        {
            dir = dir.Parent;
        }

        Assert.NotNull(dir);
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
        var dll = Path.Combine(dir.FullName, "Cli", "bin", configuration, "net10.0", "xchat.dll");
        Assert.True(File.Exists(dll), $"Build the solution first: {dll} is missing.");
        return dll;
    }
}
