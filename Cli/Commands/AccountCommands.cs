using System.CommandLine;
using Spectre.Console;
using XChat.Client.Messaging;

namespace XChat.Cli.Commands;

/// <summary><c>register</c>, <c>link</c> and <c>approve</c>: a profile and its devices.</summary>
internal static class AccountCommands
{
    public static IEnumerable<Command> Create(CliContext cli)
    {
        yield return Register(cli);
        yield return Link(cli);
        yield return Approve(cli);
    }

    private static Command Register(CliContext cli)
    {
        var server = new Option<string>("--server") { Description = "The server's WebSocket URL, e.g. ws://127.0.0.1:5080/ws.", Required = true };
        var handle = new Option<string>("--handle") { Description = "The handle to register (3..32 of a-z, 0-9, _).", Required = true };
        var register = new Command("register", "Create a profile, register a new user with this device and upload its prekeys.") { server, handle };
        register.SetAction((r, ct) => CliContext.RunAsync(async () =>
        {
            var uri = CliContext.WebSocketUrl(r.GetValue(server)!);
            await using var client = await XChatClient.RegisterAsync(uri, r.GetValue(cli.Profile)!, r.GetValue(handle)!, CliContext.Passphrase(), CliContext.ConnectionOptions(), ct);
            AnsiConsole.MarkupLineInterpolated($"Registered [bold]{client.Handle}[/] (user {client.UserId}, device {client.DeviceId}) on {uri}.");
        }));
        return register;
    }

    private static Command Link(CliContext cli)
    {
        var server = new Option<string>("--server") { Description = "The server's WebSocket URL, e.g. ws://127.0.0.1:5080/ws.", Required = true };
        var handle = new Option<string>("--handle") { Description = "The handle of the user to add this device to.", Required = true };
        var link = new Command("link", "Add this machine as a new device of an existing user: prints a code to approve on a device the user has, and waits.") { server, handle };
        link.SetAction((r, ct) => CliContext.RunAsync(async () =>
        {
            var uri = CliContext.WebSocketUrl(r.GetValue(server)!);
            await using var client = await XChatClient.LinkAsync(uri, r.GetValue(cli.Profile)!, r.GetValue(handle)!, code =>
            {
                // The code on a line of its own (scripts read it), then how to use it.
                Console.Out.WriteLine($"Link code: {code.Code}");
                Console.Out.WriteLine($"Fingerprint: {code.Fingerprint}");
                Console.Out.WriteLine($"On a device of {r.GetValue(handle)}, run: xchat approve {code.Code} (expires {code.ExpiresAt.ToLocalTime():HH:mm:ss}). Waiting...");
                Console.Out.Flush();
                return Task.CompletedTask;
            }, CliContext.Passphrase(), CliContext.ConnectionOptions(), ct);
            AnsiConsole.MarkupLineInterpolated($"Linked as device {client.DeviceId} of [bold]{client.Handle}[/] (user {client.UserId}).");
        }));
        return link;
    }

    private static Command Approve(CliContext cli)
    {
        var code = new Argument<string>("code") { Description = "The link code the new device shows." };
        var approve = new Command("approve", "Approve a new device of this user by the code it shows.") { code };
        approve.SetAction((r, ct) => cli.WithClientAsync(r, ct, async client =>
        {
            var approved = await client.ApproveLinkAsync(r.GetValue(code)!, cancellationToken: ct);
            AnsiConsole.MarkupLineInterpolated($"Approved device {approved.DeviceId} of [bold]{client.Handle}[/] (fingerprint {approved.Link.Fingerprint}: it must match the one the new device shows).");
        }));
        return approve;
    }
}
