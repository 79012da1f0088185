using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using XChat.Client.Messaging;

namespace XChat.Cli.Commands;

/// <summary><c>send-file</c>, <c>download</c>, <c>disappear</c>, <c>typing</c> and <c>presence</c>.</summary>
internal static class LiveCommands
{
    public static IEnumerable<Command> Create(CliContext cli)
    {
        yield return SendFile(cli);
        yield return Download(cli);
        yield return Disappear(cli);
        yield return Typing(cli);
        yield return Presence(cli);
    }

    private static Option<string> GroupOption(string description) => new("--group") { Description = description };

    /// <summary>HANDLE and the rest, or only the rest with --group; null (after a usage error) when they do not fit.</summary>
    private static (string? Handle, string[] Words)? Split(string[] values, string? groupId, int rest)
    {
        if (groupId is not null && values.Length == rest)
        {
            return (null, values);
        }

        if (groupId is null && values.Length == rest + 1)
        {
            return (values[0], values[1..]);
        }

        return null;
    }

    private static Command SendFile(CliContext cli)
    {
        var words = new Argument<string[]>("recipient-and-path") { Description = "HANDLE PATH, or only PATH with --group.", Arity = new ArgumentArity(1, 2) };
        var group = GroupOption("Send to this group (its id) instead of a user.");
        var caption = new Option<string>("--caption") { Description = "Text shown with the file (default: its name and size)." };
        var type = new Option<string>("--type") { Description = "Content type (default: guessed from the extension)." };
        var command = new Command("send-file", "Encrypt a file, upload it and send it: xchat send-file HANDLE PATH, or xchat send-file --group ID PATH.")
        {
            words, group, caption, type,
        };
        command.SetAction((r, ct) =>
        {
            if (Split(r.GetValue(words)!, r.GetValue(group), 1) is not { } args)
            {
                return CliContext.UsageError("Give the recipient's handle and the file (or --group ID and the file).");
            }

            var path = args.Words[0];
            if (!File.Exists(path))
            {
                return CliContext.UsageError($"There is no file '{path}'.");
            }

            return cli.WithClientAsync(r, ct, async client =>
            {
                var size = new FileInfo(path).Length;
                ChatMessage? sent = null;
                await WithProgressAsync($"Uploading {Path.GetFileName(path)}", size, progress => Task.Run(async () =>
                    sent = await client.SendFileAsync(args.Handle, r.GetValue(group), path, r.GetValue(caption), r.GetValue(type), progress, ct), ct));
                Console.Out.WriteLine(sent!.Attachment!.Id);
                Console.Error.WriteLine($"Sent {sent.Attachment.FileName} ({size} bytes) as message {sent.Seq} in {sent.Conversation}.");
            });
        });
        return command;
    }

    private static Command Download(CliContext cli)
    {
        var target = new Argument<string[]>("message") { Description = "CONVERSATION SEQ (as sync --json shows them), or ATTACHMENT-ID.", Arity = new ArgumentArity(1, 2) };
        var output = new Option<string>("--out") { Description = "Where to write the decrypted file.", Required = true };
        var command = new Command("download", "Download, verify and decrypt an attachment: xchat download CONVERSATION SEQ --out PATH, or xchat download ATTACHMENT-ID --out PATH.")
        {
            target, output,
        };
        command.SetAction((r, ct) =>
        {
            var values = r.GetValue(target)!;
            long seq = 0;
            if (values.Length == 2 && !long.TryParse(values[1], out seq))
            {
                return CliContext.UsageError("SEQ is a message number.");
            }

            var outPath = r.GetValue(output)!;
            return cli.WithClientAsync(r, ct, async client =>
            {
                ChatAttachment? got = null;
                await WithProgressAsync("Downloading", null, progress => Task.Run(async () =>
                    got = values.Length == 2
                        ? await client.DownloadAsync(values[0], seq, outPath, progress, ct)
                        : await client.DownloadAsync(values[0], outPath, progress, ct), ct));
                Console.Error.WriteLine($"Saved {got!.FileName} ({got.Size} bytes, {got.ContentType}) to {outPath}.");
            });
        });
        return command;
    }

    private static Command Disappear(CliContext cli)
    {
        var words = new Argument<string[]>("recipient-and-duration") { Description = "HANDLE DURATION, or only DURATION with --group. DURATION: 30s, 5m, 1h, 7d or off.", Arity = new ArgumentArity(1, 2) };
        var group = GroupOption("Set the timer of this group (its id).");
        var command = new Command("disappear", "Set a conversation's disappearing-message timer: xchat disappear HANDLE 5m, or xchat disappear --group ID off.") { words, group };
        command.SetAction((r, ct) =>
        {
            if (Split(r.GetValue(words)!, r.GetValue(group), 1) is not { } args)
            {
                return CliContext.UsageError("Give the other user's handle and a duration (or --group ID and a duration).");
            }

            if (!Durations.TryParse(args.Words[0], out var duration))
            {
                return CliContext.UsageError($"'{args.Words[0]}' is not a duration: use e.g. 30s, 5m, 1h, 7d or off (at most 365d).");
            }

            return cli.WithClientAsync(r, ct, async client =>
            {
                var sent = await client.SetDisappearingAsync(args.Handle, r.GetValue(group), duration, ct);
                AnsiConsole.MarkupLineInterpolated($"Disappearing messages in {sent.Conversation}: [bold]{Durations.Format(duration)}[/].");
            });
        });
        return command;
    }

    private static Command Typing(CliContext cli)
    {
        var handle = new Argument<string?>("handle") { Description = "The other user's handle (or use --group).", Arity = ArgumentArity.ZeroOrOne };
        var group = GroupOption("Tell this group (its id).");
        var stop = new Option<bool>("--stop") { Description = "Say that you stopped typing." };
        var command = new Command("typing", "Show the other members' online devices that you are typing (nothing is stored).") { handle, group, stop };
        command.SetAction((r, ct) =>
        {
            if ((r.GetValue(handle) is null) == (r.GetValue(group) is null))
            {
                return CliContext.UsageError("Name either a user's handle or --group ID.");
            }

            return cli.WithClientAsync(r, ct, client => client.SendTypingAsync(r.GetValue(handle), r.GetValue(group), !r.GetValue(stop), ct));
        });
        return command;
    }

    private static Command Presence(CliContext cli)
    {
        var handles = new Argument<string[]>("handles") { Description = "Users to look at.", Arity = ArgumentArity.ZeroOrMore };
        var hide = new Option<bool>("--hide") { Description = "Hide your own presence from everyone." };
        var show = new Option<bool>("--show") { Description = "Show your presence again." };
        var json = CliContext.JsonOption();
        var command = new Command("presence", "Online / last seen of users you share a conversation with; --hide or --show sets your own.") { handles, hide, show, json };
        command.SetAction((r, ct) =>
        {
            var names = r.GetValue(handles)!;
            var (hideIt, showIt) = (r.GetValue(hide), r.GetValue(show));
            if ((hideIt && showIt) || (names.Length == 0 && !hideIt && !showIt))
            {
                return CliContext.UsageError("Name users to look at, or give one of --hide and --show.");
            }

            return cli.WithClientAsync(r, ct, async client =>
            {
                if (hideIt || showIt)
                {
                    await client.SetPresenceHiddenAsync(hideIt, ct);
                    Console.Error.WriteLine(hideIt ? "Your presence is hidden." : "Your presence is visible to the people you chat with.");
                }

                if (names.Length == 0)
                {
                    return;
                }

                foreach (var p in await client.GetPresenceAsync(names, ct))
                {
                    if (r.GetValue(json))
                    {
                        Console.Out.WriteLine(JsonSerializer.Serialize(new { handle = p.Handle, userId = p.UserId, status = p.Status, lastSeen = p.LastSeen?.ToString("O") }));
                    }
                    else
                    {
                        AnsiConsole.MarkupLineInterpolated($"[bold]{p.Handle}[/]: {p.Status}{(p.LastSeen is { } seen ? $", last seen {seen.ToLocalTime():yyyy-MM-dd HH:mm:ss}" : "")}");
                    }
                }
            });
        });
        return command;
    }

    /// <summary>One stderr line per typing indicator <c>watch</c> receives (the sender's user id: the receive loop must not wait for a lookup).</summary>
    public static void PrintTyping(Protocol.TypingPush typing) =>
        Console.Error.WriteLine(typing.Typing
            ? $"{typing.UserId} is typing in {typing.ConversationId}"
            : $"{typing.UserId} stopped typing in {typing.ConversationId}");

    /// <summary>Runs <paramref name="work"/> under a Spectre progress bar on stderr; <paramref name="total"/> null means the size is learned as it goes.</summary>
    private static async Task WithProgressAsync(string label, long? total, Func<IProgress<long>, Task> work)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        await console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(label, maxValue: Math.Max(1, total ?? 1));
                if (total is null)
                {
                    task.IsIndeterminate = true;
                }

                await work(new Progress(v =>
                {
                    if (total is null)
                    {
                        task.MaxValue = Math.Max(task.MaxValue, v);
                    }

                    task.Value = v;
                }));
                task.IsIndeterminate = false;
                task.Value = task.MaxValue;
            });
    }

    /// <summary>Reports on the caller's thread (System.Progress would post to the thread pool, out of order).</summary>
    private sealed class Progress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
