using System.CommandLine;
using XChat.Cli.Commands;

namespace XChat.Cli;

/// <summary>
/// <c>xchat</c>: the end-to-end encrypted messenger on the command line. Every command takes
/// <c>--profile DIR</c> (default ~/.xchat); the passphrase comes from XCHAT_PASSPHRASE, else the
/// profile's key file is used. Errors are one line on stderr and exit code 1 (2 for bad usage).
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var cli = new CliContext();
        var root = new RootCommand("xchat: end-to-end encrypted messaging.") { cli.Profile };
        foreach (var command in AccountCommands.Create(cli)
            .Concat(MessageCommands.Create(cli))
            .Concat(GroupCommands.Create(cli))
            .Concat(LiveCommands.Create(cli))
            .Concat(ContentCommands.Create(cli))
            .Concat(ChatCommands.Create(cli))
            .Append(VerifyCommand.Create(cli)))
        {
            root.Subcommands.Add(command);
        }

        return await root.Parse(args).InvokeAsync();
    }
}
