using System.CommandLine;
using Spectre.Console;
using XChat.Client.Messaging;

namespace XChat.Cli.Commands;

/// <summary>
/// <c>reply</c>, <c>edit</c>, <c>delete</c>, <c>react</c> and <c>receipts</c>: about one message, named by its
/// seq in a direct conversation (HANDLE SEQ …) or a group (--group ID SEQ …).
/// </summary>
internal static class ContentCommands
{
    public static IEnumerable<Command> Create(CliContext cli)
    {
        yield return Reply(cli);
        yield return Edit(cli);
        yield return Delete(cli);
        yield return React(cli);
        yield return Receipts(cli);
    }

    private static Command Reply(CliContext cli) => MessageCommand(cli, "reply", "Reply to a message: xchat reply HANDLE SEQ TEXT, or xchat reply --group ID SEQ TEXT.", "TEXT", null, [], async (_, client, conversation, seq, text, ct) =>
    {
        var sent = await client.ReplyAsync(conversation, seq, text!, ct);
        AnsiConsole.MarkupLineInterpolated($"Replied to message {seq} (seq {sent.Seq}).");
    });

    private static Command Edit(CliContext cli) => MessageCommand(cli, "edit", "Replace the text of your message: xchat edit HANDLE SEQ TEXT, or xchat edit --group ID SEQ TEXT.", "TEXT", null, [], async (_, client, conversation, seq, text, ct) =>
    {
        var sent = await client.EditAsync(conversation, seq, text!, ct);
        AnsiConsole.MarkupLineInterpolated($"Edited message {seq} (seq {sent.Seq}).");
    });

    private static Command Delete(CliContext cli) => MessageCommand(cli, "delete", "Delete your message for everyone: xchat delete HANDLE SEQ, or xchat delete --group ID SEQ.", null, null, [], async (_, client, conversation, seq, _, ct) =>
    {
        await client.DeleteForEveryoneAsync(conversation, seq, ct);
        AnsiConsole.MarkupLineInterpolated($"Deleted message {seq} for everyone.");
    });

    private static Command React(CliContext cli)
    {
        var remove = new Option<bool>("--remove") { Description = "Take back your reaction instead (then no EMOJI)." };
        return MessageCommand(cli, "react", "React to a message with one emoji: xchat react HANDLE SEQ EMOJI, or --group ID SEQ EMOJI; --remove takes it back.", "EMOJI", remove, [remove], async (_, client, conversation, seq, emoji, ct) =>
        {
            if (emoji is null)
            {
                await client.RemoveReactionAsync(conversation, seq, ct);
                AnsiConsole.MarkupLineInterpolated($"Removed your reaction on message {seq}.");
                return;
            }

            await client.ReactAsync(conversation, seq, emoji, ct);
            AnsiConsole.MarkupLineInterpolated($"Reacted to message {seq} with {emoji}.");
        });
    }

    private static Command Receipts(CliContext cli)
    {
        var json = CliContext.JsonOption();
        return MessageCommand(cli, "receipts", "Who received and who read your message: xchat receipts HANDLE SEQ, or xchat receipts --group ID SEQ.", null, null, [json], async (r, client, conversation, seq, _, ct) =>
            Output.Receipts(await client.ReceiptsAsync(conversation, seq, ct), r.GetValue(json)));
    }

    /// <summary>
    /// A command about one message: positional HANDLE SEQ [LAST], or SEQ [LAST] with --group ID. <paramref name="last"/>
    /// names the trailing argument (null: none); it is left out when <paramref name="skipsLast"/> is given.
    /// </summary>
    private static Command MessageCommand(CliContext cli, string name, string description, string? last, Option<bool>? skipsLast, Option[] options,
        Func<ParseResult, XChatClient, string, long, string?, CancellationToken, Task> action)
    {
        var words = new Argument<string[]>("arguments") { Description = last is null ? "HANDLE SEQ, or SEQ with --group." : $"HANDLE SEQ {last}, or SEQ {last} with --group.", Arity = new ArgumentArity(1, 3) };
        var group = new Option<string>("--group") { Description = "The group (its id) instead of a user's handle." };
        var command = new Command(name, description) { words, group };
        foreach (var option in options)
        {
            command.Options.Add(option);
        }

        command.SetAction((r, ct) =>
        {
            var values = r.GetValue(words)!;
            var groupId = r.GetValue(group);
            var positional = values.AsSpan(groupId is null ? Math.Min(1, values.Length) : 0).ToArray();
            var expected = last is null || (skipsLast is not null && r.GetValue(skipsLast)) ? 1 : 2;
            if ((groupId is null && values.Length < 2) || positional.Length != expected)
            {
                var rest = expected == 2 ? $" and {last}" : "";
                return CliContext.UsageError(groupId is null
                    ? $"Give the handle, the message's seq{rest} (or --group ID instead of the handle)."
                    : $"With --group, give the message's seq{rest}.");
            }

            if (!long.TryParse(positional[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seq) || seq < 1)
            {
                return CliContext.UsageError($"'{positional[0]}' is not a message seq (1, 2, 3 …).");
            }

            var text = expected == 2 ? positional[1] : null;
            var handle = groupId is null ? values[0] : null;
            return cli.WithClientAsync(r, ct, async client =>
            {
                var conversation = groupId ?? await client.DirectConversationIdAsync(handle!, ct);
                await action(r, client, conversation, seq, text, ct);
            });
        });
        return command;
    }
}
