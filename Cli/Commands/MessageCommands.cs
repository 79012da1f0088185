using System.CommandLine;
using Spectre.Console;
using XChat.Client.Messaging;

namespace XChat.Cli.Commands;

/// <summary><c>send</c>, <c>sync</c>, <c>history</c> and <c>watch</c>: messages to a user or a group.</summary>
internal static class MessageCommands
{
    public static IEnumerable<Command> Create(CliContext cli)
    {
        yield return Send(cli);
        yield return Sync(cli);
        yield return History(cli);
        yield return Watch(cli);
    }

    private static Option<string> GroupOption(string description) => new("--group") { Description = description };

    private static Command Send(CliContext cli)
    {
        var words = new Argument<string[]>("recipient-and-text") { Description = "HANDLE TEXT, or only TEXT with --group.", Arity = new ArgumentArity(1, 2) };
        var group = GroupOption("Send to this group (its id) instead of a user.");
        var send = new Command("send", "Send an end-to-end encrypted message: xchat send HANDLE TEXT, or xchat send --group ID TEXT.") { words, group };
        send.SetAction((r, ct) =>
        {
            var values = r.GetValue(words)!;
            var groupId = r.GetValue(group);
            if (groupId is not null && values.Length != 1)
            {
                return CliContext.UsageError("With --group, give only the text.");
            }

            if (groupId is null && values.Length != 2)
            {
                return CliContext.UsageError("Give the recipient's handle and the text (or --group ID and the text).");
            }

            return cli.WithClientAsync(r, ct, async client =>
            {
                if (groupId is not null)
                {
                    var sent = await client.SendGroupTextAsync(groupId, values[0], ct);
                    AnsiConsole.MarkupLineInterpolated($"Sent to the group [bold]{sent.GroupName ?? groupId}[/] (seq {sent.Seq}).");
                    return;
                }

                var direct = await client.SendTextAsync(values[0], values[1], ct);
                AnsiConsole.MarkupLineInterpolated($"Sent to [bold]{values[0]}[/] (seq {direct.Seq}).");
            });
        });
        return send;
    }

    private static Command Sync(CliContext cli)
    {
        var json = CliContext.JsonOption();
        var sync = new Command("sync", "Fetch, decrypt, store and print new messages.") { json };
        sync.SetAction((r, ct) => cli.WithClientAsync(r, ct, async client =>
        {
            var result = await client.SyncAsync(ct);
            Output.Messages(result.Messages, r.GetValue(json));
            Output.ReceiptUpdates(result.Receipts, r.GetValue(json));
            Output.Failures(result.Failures);
            if (!r.GetValue(json) && result.Messages.Count == 0 && result.Receipts.Count == 0)
            {
                AnsiConsole.MarkupLine("[grey]No new messages.[/]");
            }
        }));
        return sync;
    }

    private static Command History(CliContext cli)
    {
        var with = new Argument<string?>("handle") { Description = "The other user's handle (or use --group).", Arity = ArgumentArity.ZeroOrOne };
        var group = GroupOption("Show the history of this group (its id).");
        var json = CliContext.JsonOption();
        var history = new Command("history", "Show the stored messages with a user, or of a group.") { with, group, json };
        history.SetAction((r, ct) =>
        {
            var (handle, groupId) = (r.GetValue(with), r.GetValue(group));
            if ((handle is null) == (groupId is null))
            {
                return CliContext.UsageError("Name either a user's handle or --group ID.");
            }

            return cli.WithClientAsync(r, ct, async client =>
            {
                var messages = groupId is not null ? await client.GroupHistoryAsync(groupId, ct) : await client.HistoryAsync(handle!, ct);
                Output.Messages(messages, r.GetValue(json));

                // Showing a conversation is reading it: its unread count drops (xchat chats).
                if (messages.Count > 0)
                {
                    await client.MarkReadAsync(messages[0].Conversation, ct);
                }
            });
        });
        return history;
    }

    private static Command Watch(CliContext cli)
    {
        var json = CliContext.JsonOption();
        var watch = new Command("watch", "Stay connected and print messages as they arrive, until Ctrl-C.") { json };
        watch.SetAction((r, ct) => cli.WithClientAsync(r, ct, async client =>
        {
            var asJson = r.GetValue(json);
            var first = await client.SyncAsync(ct);
            Output.Messages(first.Messages, asJson);
            Output.ReceiptUpdates(first.Receipts, asJson);
            Output.Failures(first.Failures);

            // Typing indicators are ephemeral: one line on stderr each, never stored (LiveCommands).
            client.Connection.TypingReceived += LiveCommands.PrintTyping;

            // On stderr, so that stdout holds only messages; scripts wait for this line.
            Console.Error.WriteLine($"Watching for messages to {client.Handle} (device {client.DeviceId}); Ctrl-C to stop.");
            Console.Error.Flush();
            try
            {
                // A push is a hint: each one starts a sync, which decrypts, stores and moves the cursors in order.
                await foreach (var _ in client.Connection.Messages.WithCancellation(ct))
                {
                    var result = await client.SyncAsync(ct);
                    Output.Messages(result.Messages, asJson);
                    Output.ReceiptUpdates(result.Receipts, asJson);
                    Output.Failures(result.Failures);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // Ctrl-C: the normal end of watching.
            }
        }, autoReconnect: true));
        return watch;
    }
}
