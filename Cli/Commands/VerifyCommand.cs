using System.CommandLine;
using Spectre.Console;
using XChat.Client.Verification;

namespace XChat.Cli.Commands;

/// <summary><c>verify HANDLE [--accept]</c>: the safety number, and recording that it matched.</summary>
internal static class VerifyCommand
{
    public static Command Create(CliContext cli)
    {
        var peer = new Argument<string>("handle") { Description = "The other user's handle." };
        var accept = new Option<bool>("--accept") { Description = "Mark the keys shown now as verified (after comparing the number), also after they changed." };
        var verify = new Command("verify", "Show the safety number to compare with the other user; --accept records that it matched.") { peer, accept };
        verify.SetAction((r, ct) => cli.WithClientAsync(r, ct, async client =>
        {
            var handle = r.GetValue(peer)!;
            var result = await client.VerifyAsync(handle, r.GetValue(accept), ct);
            AnsiConsole.MarkupLineInterpolated($"Safety number with [bold]{result.Handle}[/]:");
            AnsiConsole.WriteLine(result.SafetyNumber.ToDisplayString());
            var state = result.State switch
            {
                IdentityTrustState.Verified => "verified",
                IdentityTrustState.ChangedSinceVerified => $"CHANGED since you last verified or accepted it: compare the number, then run 'xchat verify {handle} --accept'",
                _ => $"not verified (compare the number, then run 'xchat verify {handle} --accept')",
            };
            AnsiConsole.MarkupLineInterpolated($"Status: {state}.");
        }));
        return verify;
    }
}
