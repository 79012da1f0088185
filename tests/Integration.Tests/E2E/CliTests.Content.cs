using System.Text.Json;
using XChat.TestSupport;

namespace XChat.Integration.Tests.E2E;

// reply, edit, delete, react, receipts, chats, read, block and unblock through the xchat CLI in two profiles.
public sealed partial class CliTests
{
    [Fact]
    public async Task Xchat_ContentCommands_ShowUpInSyncJson_AndOnlyTheSenderMayEditOrDelete()
    {
        var root = Directory.CreateTempSubdirectory("xchat-cli-content-").FullName;
        await using var server = await StandaloneServer.StartAsync(Path.Combine(root, "server"));
        var alice = Path.Combine(root, "alice");
        var bob = Path.Combine(root, "bob");
        var url = server.WebSocketUri.ToString();
        Assert.Equal(0, (await RunAsync("register", "--server", url, "--handle", "alice", "--profile", alice)).Code);
        Assert.Equal(0, (await RunAsync("register", "--server", url, "--handle", "bob", "--profile", bob)).Code);
        Assert.Equal(0, (await RunAsync("send", "bob", "one", "--profile", alice)).Code);
        Assert.Equal(0, (await RunAsync("send", "bob", "two", "--profile", alice)).Code);

        // bob receives both (alice's next sync sees them delivered); fetched is not read: two unread.
        Assert.Equal(2, JsonLines((await RunAsync("sync", "--json", "--profile", bob)).Out).Count);
        var unread = JsonLines((await RunAsync("chats", "--json", "--profile", bob)).Out).Single();
        Assert.Equal(("alice", 2), (unread.GetProperty("title").GetString(), unread.GetProperty("unread").GetInt32()));

        Assert.Equal(0, (await RunAsync("reply", "alice", "1", "re: one", "--profile", bob)).Code);
        Assert.Equal(0, (await RunAsync("react", "alice", "2", "👍", "--profile", bob)).Code);
        var atAlice = JsonLines((await RunAsync("sync", "--json", "--profile", alice)).Out);
        var reply = atAlice.Single(l => l.GetProperty("type").GetString() == "text");
        Assert.Equal(("re: one", 1), (reply.GetProperty("text").GetString(), reply.GetProperty("replyTo").GetInt32()));
        var reaction = atAlice.Single(l => l.GetProperty("type").GetString() == "reaction");
        Assert.Equal(("👍", 2, false), (reaction.GetProperty("emoji").GetString(), reaction.GetProperty("target").GetInt32(), reaction.GetProperty("removed").GetBoolean()));
        var delivered = atAlice.Single(l => l.GetProperty("type").GetString() == "receipt");
        Assert.Equal(("delivered", 2, "bob"), (delivered.GetProperty("state").GetString(), delivered.GetProperty("target").GetInt32(), delivered.GetProperty("from").GetString()));

        Assert.Equal(0, (await RunAsync("edit", "bob", "1", "one, edited", "--profile", alice)).Code);
        Assert.Equal(0, (await RunAsync("delete", "bob", "2", "--profile", alice)).Code);
        var atBob = JsonLines((await RunAsync("sync", "--json", "--profile", bob)).Out);
        Assert.Contains(atBob, l => l.GetProperty("type").GetString() == "edit" && l.GetProperty("target").GetInt32() == 1 && l.GetProperty("text").GetString() == "one, edited");
        Assert.Contains(atBob, l => l.GetProperty("type").GetString() == "delete" && l.GetProperty("target").GetInt32() == 2);
        var history = JsonLines((await RunAsync("history", "alice", "--json", "--profile", bob)).Out);
        Assert.True(history[0].GetProperty("edited").GetBoolean() && history[0].GetProperty("text").GetString() == "one, edited", "history shows the edit");
        Assert.True(history[1].GetProperty("deleted").GetBoolean() && history[1].GetProperty("text").GetString() == "", "history shows the deletion");

        // history marked the chat read: no unread left, and alice sees it read.
        Assert.Equal(0, JsonLines((await RunAsync("chats", "--json", "--profile", bob)).Out).Single().GetProperty("unread").GetInt32());
        var receipts = JsonLines((await RunAsync("receipts", "bob", "1", "--json", "--profile", alice)).Out).Single();
        Assert.Equal(("bob", "read"), (receipts.GetProperty("user").GetString(), receipts.GetProperty("state").GetString()));

        // Only the sender may edit or delete: one error line, exit code 1.
        foreach (var args in new[] { new[] { "edit", "alice", "1", "mine now" }, ["delete", "alice", "1"] })
        {
            var refused = await RunAsync([.. args, "--profile", bob]);
            Assert.Equal(1, refused.Code);
            Assert.Contains("only its sender", Assert.Single(refused.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        }

        Assert.Equal(2, (await RunAsync("react", "alice", "x", "👍", "--profile", bob)).Code);

        // Blocking: bob's direct messages are refused until alice unblocks him.
        Assert.Equal(0, (await RunAsync("block", "bob", "--profile", alice)).Code);
        var blocked = await RunAsync("send", "alice", "let me in", "--profile", bob);
        Assert.Equal(1, blocked.Code);
        Assert.Contains("blocked", blocked.Err);
        Assert.Equal(0, (await RunAsync("unblock", "bob", "--profile", alice)).Code);
        Assert.Equal(0, (await RunAsync("send", "alice", "thanks", "--profile", bob)).Code);
        Assert.Contains(JsonLines((await RunAsync("sync", "--json", "--profile", alice)).Out), l => l.GetProperty("type").GetString() == "text" && l.GetProperty("text").GetString() == "thanks");

        await server.StopAsync();
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static List<JsonElement> JsonLines(string output) =>
        Lines(output).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
}
