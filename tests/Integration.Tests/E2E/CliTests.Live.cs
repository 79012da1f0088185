using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using XChat.TestSupport;

namespace XChat.Integration.Tests.E2E;

// send-file, download and disappear through the built xchat, in two profiles.
public sealed partial class CliTests
{
    [Fact]
    public async Task Xchat_SendFileDownloadDisappear_TwoProfiles()
    {
        var root = Directory.CreateTempSubdirectory("xchat-cli-live-").FullName;
        await using var server = await StandaloneServer.StartAsync(Path.Combine(root, "server"),
            new Dictionary<string, string?> { ["XChat:Sweep:ExpiredMessageSweepInterval"] = "00:00:00.300" });
        var alice = Path.Combine(root, "alice");
        var bob = Path.Combine(root, "bob");
        var url = server.WebSocketUri.ToString();
        Assert.Equal(0, (await RunAsync("register", "--server", url, "--handle", "alice", "--profile", alice)).Code);
        Assert.Equal(0, (await RunAsync("register", "--server", url, "--handle", "bob", "--profile", bob)).Code);

        var content = RandomNumberGenerator.GetBytes(100_000);
        var file = Path.Combine(root, "report.pdf");
        await File.WriteAllBytesAsync(file, content);
        var sent = await RunAsync("send-file", "bob", file, "--profile", alice);
        Assert.True(sent.Code == 0, sent.Err);
        var attachmentId = Assert.Single(Lines(sent.Out));
        Assert.Matches("^[0-9a-f]{32}$", attachmentId);

        var sync = await RunAsync("sync", "--json", "--profile", bob);
        Assert.Equal(0, sync.Code);
        using var json = JsonDocument.Parse(Assert.Single(Lines(sync.Out)));
        Assert.True(json.RootElement.TryGetProperty("attachment", out var attachment), $"sync --json shows the attachment: {sync.Out}");
        Assert.Equal(attachmentId, attachment.GetProperty("id").GetString());
        Assert.Equal("report.pdf", attachment.GetProperty("fileName").GetString());
        Assert.Equal("application/pdf", attachment.GetProperty("contentType").GetString());
        Assert.Equal(content.Length, attachment.GetProperty("size").GetInt64());
        var conversation = json.RootElement.GetProperty("conversation").GetString()!;
        var seq = json.RootElement.GetProperty("seq").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture);

        var bySeq = Path.Combine(root, "by-seq.pdf");
        var download = await RunAsync("download", conversation, seq, "--out", bySeq, "--profile", bob);
        Assert.True(download.Code == 0, download.Err);
        Assert.Equal(content, await File.ReadAllBytesAsync(bySeq));
        var byId = Path.Combine(root, "by-id.pdf");
        Assert.Equal(0, (await RunAsync("download", attachmentId, "--out", byId, "--profile", bob)).Code);
        Assert.Equal(content, await File.ReadAllBytesAsync(byId));

        // Usage mistakes: exit code 2, nothing sent.
        Assert.Equal(2, (await RunAsync("disappear", "bob", "soon", "--profile", alice)).Code);
        Assert.Equal(2, (await RunAsync("send-file", "bob", Path.Combine(root, "missing.bin"), "--profile", alice)).Code);

        Assert.Equal(0, (await RunAsync("disappear", "bob", "6s", "--profile", alice)).Code);
        Assert.Equal(0, (await RunAsync("send", "bob", "gone soon", "--profile", alice)).Code);
        var timed = await RunAsync("sync", "--json", "--profile", bob);
        var lines = Lines(timed.Out).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Contains(lines, l => l.GetProperty("text").GetString()!.Contains("set disappearing messages to 6s", StringComparison.Ordinal));
        var gone = Assert.Single(lines, l => l.GetProperty("text").GetString() == "gone soon");
        Assert.Equal(JsonValueKind.String, gone.GetProperty("expiresAt").ValueKind);

        await Task.Delay(TimeSpan.FromSeconds(6.5));
        var history = await RunAsync("history", "alice", "--json", "--profile", bob);
        Assert.Equal(0, history.Code);
        Assert.DoesNotContain("gone soon", history.Out);
        Assert.Contains("report.pdf", history.Out); // the file message from before the timer stays

        Assert.Equal(0, (await RunAsync("disappear", "bob", "off", "--profile", alice)).Code);

        // Bob watches; Alice's typing indicator shows on his stderr and is not a message.
        using var watch = Start("watch", "--json", "--profile", bob);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            while (await watch.StandardError.ReadLineAsync(timeout.Token) is { } status && !status.StartsWith("Watching", StringComparison.Ordinal))
            {
            }

            Assert.Equal(0, (await RunAsync("typing", "bob", "--profile", alice)).Code);
            string? typing = null;
            while (typing is null && await watch.StandardError.ReadLineAsync(timeout.Token) is { } line)
            {
                typing = line.Contains("is typing in d_", StringComparison.Ordinal) ? line : null;
            }

            Assert.NotNull(typing);
        }
        finally
        {
            Process.GetProcessById(watch.Id).Kill();
            await watch.WaitForExitAsync();
        }

        Assert.Equal(2, (await RunAsync("typing", "--profile", alice)).Code);
        await server.StopAsync();
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
