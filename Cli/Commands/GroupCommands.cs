using System.CommandLine;
using Spectre.Console;

namespace XChat.Cli.Commands;

/// <summary><c>group create|add|remove</c> and <c>groups</c>.</summary>
internal static class GroupCommands
{
    public static IEnumerable<Command> Create(CliContext cli)
    {
        var group = new Command("group", "Create a group and change its members.");
        group.Subcommands.Add(CreateGroup(cli));
        group.Subcommands.Add(AddMember(cli));
        group.Subcommands.Add(RemoveMember(cli));
        yield return group;
        yield return List(cli);
    }

    private static Command CreateGroup(CliContext cli)
    {
        var name = new Argument<string>("name") { Description = "The group's name (sent to the members encrypted; the server never sees it)." };
        var members = new Argument<string[]>("handles") { Description = "The members' handles.", Arity = ArgumentArity.OneOrMore };
        var create = new Command("create", "Create a group with you as its owner; prints its id.") { name, members };
        create.SetAction((r, ct) => cli.WithClientAsync(r, ct, async client =>
        {
            var created = await client.CreateGroupAsync(r.GetValue(name)!, r.GetValue(members)!, ct);

            // The id alone on stdout: scripts capture it.
            Console.Out.WriteLine(created.Id);
            Console.Error.WriteLine($"Created the group '{created.Name}' with {string.Join(", ", created.Members)}.");
        }));
        return create;
    }

    private static Command AddMember(CliContext cli)
    {
        var id = new Argument<string>("id") { Description = "The group's id." };
        var handle = new Argument<string>("handle") { Description = "The handle to add." };
        var add = new Command("add", "Add a member (owner only). They can read what is sent from now on, nothing earlier.") { id, handle };
        add.SetAction((r, ct) => cli.WithClientAsync(r, ct, async client =>
        {
            var group = await client.AddGroupMemberAsync(r.GetValue(id)!, r.GetValue(handle)!, ct);
            AnsiConsole.MarkupLineInterpolated($"Added [bold]{r.GetValue(handle)}[/]; members: {string.Join(", ", group.Members)}.");
        }));
        return add;
    }

    private static Command RemoveMember(CliContext cli)
    {
        var id = new Argument<string>("id") { Description = "The group's id." };
        var handle = new Argument<string>("handle") { Description = "The handle to remove (your own to leave)." };
        var remove = new Command("remove", "Remove a member (owner only, or yourself). Every remaining sender switches to a new key.") { id, handle };
        remove.SetAction((r, ct) => cli.WithClientAsync(r, ct, async client =>
        {
            await client.RemoveGroupMemberAsync(r.GetValue(id)!, r.GetValue(handle)!, ct);
            AnsiConsole.MarkupLineInterpolated($"Removed [bold]{r.GetValue(handle)}[/] from {r.GetValue(id)}.");
        }));
        return remove;
    }

    private static Command List(CliContext cli)
    {
        var json = CliContext.JsonOption();
        var groups = new Command("groups", "List your groups: id, name, owner, members.") { json };
        groups.SetAction((r, ct) => cli.WithClientAsync(r, ct, async client =>
        {
            var list = await client.ListGroupsAsync(ct);
            Output.Groups(list, r.GetValue(json));
            if (!r.GetValue(json) && list.Count == 0)
            {
                AnsiConsole.MarkupLine("[grey]No groups.[/]");
            }
        }));
        return groups;
    }
}
