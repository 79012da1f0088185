using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using XChat.Client.Errors;
using XChat.Client.Messaging;
using XChat.Client.Storage;
using XChat.Client.Transport;

namespace XChat.Cli;

/// <summary>
/// <c>xchat</c>: the end-to-end encrypted messenger on the command line. Every command takes
/// <c>--profile DIR</c> (default ~/.xchat); the passphrase comes from XCHAT_PASSPHRASE, else the
/// profile's key file is used. Errors are one line on stderr and exit code 1 (2 for bad usage).
/// </summary>
public static class Program
{
    private static readonly JsonSerializerOptions JsonLine = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static async Task<int> Main(string[] args)
    {
        var profile = new Option<string>("--profile")
        {
            Description = "The profile directory of this device.",
            DefaultValueFactory = _ => Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".xchat"),
            Recursive = true,
        };
        var json = new Option<bool>("--json") { Description = "One JSON object per line." };

        var server = new Option<string>("--server") { Description = "The server's WebSocket URL, e.g. ws://127.0.0.1:5080/ws.", Required = true };
        var handle = new Option<string>("--handle") { Description = "The handle to register (3..32 of a-z, 0-9, _).", Required = true };
        var register = new Command("register", "Create a profile, register a new user with this device and upload its prekeys.") { server, handle };
        register.SetAction((r, ct) => RunAsync(async () =>
        {
            var uri = WebSocketUrl(r.GetValue(server)!);
            await using var client = await XChatClient.RegisterAsync(uri, r.GetValue(profile)!, r.GetValue(handle)!, Passphrase(), Options(), ct);
            AnsiConsole.MarkupLineInterpolated($"Registered [bold]{client.Handle}[/] (user {client.UserId}, device {client.DeviceId}) on {uri}.");
        }));

        var linkServer = new Option<string>("--server") { Description = "The server's WebSocket URL, e.g. ws://127.0.0.1:5080/ws.", Required = true };
        var linkHandle = new Option<string>("--handle") { Description = "The handle of the user to add this device to.", Required = true };
        var link = new Command("link", "Add this machine as a new device of an existing user: prints a code to approve on a device the user has, and waits.") { linkServer, linkHandle };
        link.SetAction((r, ct) => RunAsync(async () =>
        {
            var uri = WebSocketUrl(r.GetValue(linkServer)!);
            await using var client = await XChatClient.LinkAsync(uri, r.GetValue(profile)!, r.GetValue(linkHandle)!, code =>
            {
                // The code on a line of its own (scripts read it), then how to use it.
                Console.Out.WriteLine($"Link code: {code.Code}");
                Console.Out.WriteLine($"Fingerprint: {code.Fingerprint}");
                Console.Out.WriteLine($"On a device of {r.GetValue(linkHandle)}, run: xchat approve {code.Code} (expires {code.ExpiresAt.ToLocalTime():HH:mm:ss}). Waiting...");
                Console.Out.Flush();
                return Task.CompletedTask;
            }, Passphrase(), Options(), ct);
            AnsiConsole.MarkupLineInterpolated($"Linked as device {client.DeviceId} of [bold]{client.Handle}[/] (user {client.UserId}).");
        }));

        var code = new Argument<string>("code") { Description = "The link code the new device shows." };
        var approve = new Command("approve", "Approve a new device of this user by the code it shows.") { code };
        approve.SetAction((r, ct) => WithClientAsync(r.GetValue(profile)!, ct, async client =>
        {
            var approved = await client.ApproveLinkAsync(r.GetValue(code)!, cancellationToken: ct);
            AnsiConsole.MarkupLineInterpolated($"Approved device {approved.DeviceId} of [bold]{client.Handle}[/] (fingerprint {approved.Link.Fingerprint}: it must match the one the new device shows).");
        }));

        var to = new Argument<string>("handle") { Description = "The recipient's handle." };
        var text = new Argument<string>("text") { Description = "The message." };
        var send = new Command("send", "Send an end-to-end encrypted message.") { to, text };
        send.SetAction((r, ct) => WithClientAsync(r.GetValue(profile)!, ct, async client =>
        {
            var sent = await client.SendTextAsync(r.GetValue(to)!, r.GetValue(text)!, ct);
            AnsiConsole.MarkupLineInterpolated($"Sent to [bold]{r.GetValue(to)}[/] (seq {sent.Seq}).");
        }));

        var sync = new Command("sync", "Fetch, decrypt, store and print new messages.") { json };
        sync.SetAction((r, ct) => WithClientAsync(r.GetValue(profile)!, ct, async client =>
        {
            var result = await client.SyncAsync(ct);
            Print(result.Messages, r.GetValue(json));
            foreach (var failure in result.Failures)
            {
                Console.Error.WriteLine($"warning: message {failure.Seq} in {failure.Conversation} from {failure.SenderUserId}.{failure.SenderDeviceId} was skipped: {failure.Kind} ({failure.Detail})");
            }

            if (!r.GetValue(json) && result.Messages.Count == 0)
            {
                AnsiConsole.MarkupLine("[grey]No new messages.[/]");
            }
        }));

        var with = new Argument<string>("handle") { Description = "The other user's handle." };
        var history = new Command("history", "Show the stored messages with a user.") { with, json };
        history.SetAction((r, ct) => WithClientAsync(r.GetValue(profile)!, ct, async client =>
            Print(await client.HistoryAsync(r.GetValue(with)!, ct), r.GetValue(json))));

        var peer = new Argument<string>("handle") { Description = "The other user's handle." };
        var verify = new Command("verify", "Show the safety number to compare with the other user.") { peer };
        verify.SetAction((r, ct) => WithClientAsync(r.GetValue(profile)!, ct, async client =>
        {
            var number = await client.SafetyNumberAsync(r.GetValue(peer)!, ct);
            AnsiConsole.MarkupLineInterpolated($"Safety number with [bold]{r.GetValue(peer)}[/]:");
            AnsiConsole.WriteLine(number.ToDisplayString());
        }));

        var root = new RootCommand("xchat: end-to-end encrypted messaging.") { profile, register, link, approve, send, sync, history, verify };
        return await root.Parse(args).InvokeAsync();
    }

    private static Uri WebSocketUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "ws" or "wss"
            ? uri
            : throw new XChatClientException($"'{url}' is not a ws:// or wss:// URL.");

    private static string? Passphrase() => Environment.GetEnvironmentVariable("XCHAT_PASSPHRASE") is { Length: > 0 } p ? p : null;

    private static XChatConnectionOptions Options() => new() { ClientName = "xchat-cli/0.1", AutoReconnect = false };

    private static Task<int> WithClientAsync(string profile, CancellationToken ct, Func<XChatClient, Task> action) => RunAsync(async () =>
    {
        await using var client = await XChatClient.OpenAsync(profile, Passphrase(), Options(), ct);
        await action(client);
    });

    /// <summary>Runs a command: user mistakes and server refusals become one line on stderr and exit code 1.</summary>
    private static async Task<int> RunAsync(Func<Task> action)
    {
        try
        {
            await action();
            return 0;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("error: cancelled");
            return 130;
        }
        catch (Exception e) when (e is XChatClientException or XChatServerException or SessionException or InvalidKeyException
            or WrongPassphraseException or ProfileCorruptException or ConnectionLostException or TimeoutException or IOException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }

    private static void Print(IEnumerable<ChatMessage> messages, bool json)
    {
        foreach (var m in messages)
        {
            if (json)
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(new { conversation = m.Conversation, seq = m.Seq, from = m.From, fromUserId = m.FromUserId, text = m.Text, sentAt = m.SentAt.ToString("O") }, JsonLine));
            }
            else
            {
                AnsiConsole.MarkupLineInterpolated($"[grey]{m.SentAt.ToLocalTime():yyyy-MM-dd HH:mm:ss}[/] [bold]{m.From}[/]: {m.Text}");
            }
        }
    }
}
