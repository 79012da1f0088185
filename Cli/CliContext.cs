using System.CommandLine;
using XChat.Client.Errors;
using XChat.Client.Messaging;
using XChat.Client.Storage;
using XChat.Client.Transport;

namespace XChat.Cli;

/// <summary>
/// What every command shares: the recursive <c>--profile</c> option, the passphrase, the connection
/// options, and how a command runs (user mistakes and server refusals become one line on stderr).
/// </summary>
internal sealed class CliContext
{
    public Option<string> Profile { get; } = new("--profile")
    {
        Description = "The profile directory of this device.",
        DefaultValueFactory = _ => Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".xchat"),
        Recursive = true,
    };

    public static Option<bool> JsonOption() => new("--json") { Description = "One JSON object per line." };

    public static string? Passphrase() => Environment.GetEnvironmentVariable("XCHAT_PASSPHRASE") is { Length: > 0 } p ? p : null;

    /// <summary>One-shot commands do not reconnect: a lost connection is an error to report. <c>watch</c> does.</summary>
    public static XChatConnectionOptions ConnectionOptions(bool autoReconnect = false) => new() { ClientName = "xchat-cli/0.1", AutoReconnect = autoReconnect };

    public static Uri WebSocketUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "ws" or "wss"
            ? uri
            : throw new XChatClientException($"'{url}' is not a ws:// or wss:// URL.");

    /// <summary>Opens the profile of <paramref name="result"/>, logs in, runs <paramref name="action"/> and closes.</summary>
    public Task<int> WithClientAsync(ParseResult result, CancellationToken cancellationToken, Func<XChatClient, Task> action, bool autoReconnect = false) => RunAsync(async () =>
    {
        await using var client = await XChatClient.OpenAsync(result.GetValue(Profile)!, Passphrase(), ConnectionOptions(autoReconnect), cancellationToken);
        await action(client);
    });

    /// <summary>A wrong combination of arguments: one line on stderr, exit code 2, nothing opened.</summary>
    public static Task<int> UsageError(string message)
    {
        Console.Error.WriteLine($"error: {message}");
        return Task.FromResult(2);
    }

    /// <summary>Runs a command: user mistakes and server refusals become one line on stderr and exit code 1 .</summary>
    public static async Task<int> RunAsync(Func<Task> action)
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
        catch (Exception e) when (e is XChatClientException or IdentityChangedException or XChatServerException or SessionException or InvalidKeyException
            or WrongPassphraseException or ProfileCorruptException or ConnectionLostException or TimeoutException or IOException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }
}
