using System.Diagnostics;
using System.Text.Json;
using XChat.TestSupport;

namespace XChat.Integration.Tests.E2E;

/// <summary>Runs the built <c>xchat</c> in two profiles against a real server.</summary>
public sealed class CliTests
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

        // `xchat link` prints the code and waits; `xchat approve CODE` on the first device lets it finish.
        using var link = Start("link", "--server", url, "--handle", "alice", "--profile", alice2);
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
        var approve = await RunAsync("approve", code, "--profile", alice);
        Assert.True(approve.Code == 0, approve.Err);
        Assert.Contains("Approved device 2", approve.Out);
        await link.WaitForExitAsync(timeout.Token);
        Assert.True(link.ExitCode == 0, await linkErr);
        Assert.Contains("Linked as device 2", await linkOut);

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
