using System.CommandLine;
using Spectre.Console;

namespace XChat.Cli.Commands;

/// <summary><c>chats</c>, <c>read</c>, <c>block</c> and <c>unblock</c>.</summary>
internal static class ChatCommands
{
    public static IEnumerable<Command> Create(CliContext cli)
    {
        yield return Chats(cli);
        yield return Read(cli);
        yield return Block(cli, "block", "Refuse direct messages between you and a user; their group messages are hidden on this device.", blocked: true);
        yield return Block(cli, "unblock", "Lift a block.", blocked: false);
    }

    private static Command Chats(CliContext cli)
    {
        var json = CliContext.JsonOption();
        var chats = new Command("chats", "Your conversations, most recently active first, with unread counts.") { json };
        chats.SetAction((r, ct) => cli.WithClientAsync(r, ct, async client => Output.Chats(await client.ChatsAsync(ct), r.GetValue(json))));
        return chats;
    }

    private static Command Read(CliContext cli)
    {
        var with = new Argument<string?>("handle") { Description = "The other user's handle (or use --group).", Arity = ArgumentArity.ZeroOrOne };
        var group = new Option<string>("--group") { Description = "The group (its id)." };
        var read = new Command("read", "Mark what this device fetched in a conversation as read (history does it too).") { with, group };
        read.SetAction((r, ct) =>
        {
            var (handle, groupId) = (r.GetValue(with), r.GetValue(group));
            if ((handle is null) == (groupId is null))
            {
                return CliContext.UsageError("Name either a user's handle or --group ID.");
            }

            return cli.WithClientAsync(r, ct, async client =>
            {
                await client.MarkReadAsync(groupId ?? await client.DirectConversationIdAsync(handle!, ct), ct);
                AnsiConsole.MarkupLine("Marked as read.");
            });
        });
        return read;
    }

    private static Command Block(CliContext cli, string name, string description, bool blocked)
    {
        var handle = new Argument<string>("handle") { Description = "The user's handle." };
        var command = new Command(name, description) { handle };
        command.SetAction((r, ct) => cli.WithClientAsync(r, ct, async client =>
        {
            var who = r.GetValue(handle)!;
            await (blocked ? client.BlockAsync(who, ct) : client.UnblockAsync(who, ct));
            AnsiConsole.MarkupLineInterpolated($"{(blocked ? "Blocked" : "Unblocked")} [bold]{who}[/].");
        }));
        return command;
    }
}
