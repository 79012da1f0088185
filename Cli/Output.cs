using System.Text.Json;
using Spectre.Console;
using XChat.Client.Messaging;

namespace XChat.Cli;

/// <summary>How messages, failures and groups are printed: Spectre markup for people, one JSON object per line for scripts.</summary>
internal static class Output
{
    private static readonly JsonSerializerOptions JsonLine = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static void Messages(IEnumerable<ChatMessage> messages, bool json)
    {
        foreach (var m in messages)
        {
            if (json)
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(
                    new
                    {
                        conversation = m.Conversation, seq = m.Seq, from = m.From, fromUserId = m.FromUserId, text = m.Text, sentAt = m.SentAt.ToString("O"), group = m.GroupName,
                        attachment = m.Attachment is { } a ? new { id = a.Id, fileName = a.FileName, contentType = a.ContentType, size = a.Size } : null,
                        expiresAt = m.ExpiresAt?.ToString("O"),
                    },
                    JsonLine));
            }
            else if (m.IsGroup)
            {
                AnsiConsole.MarkupLineInterpolated($"[grey]{m.SentAt.ToLocalTime():yyyy-MM-dd HH:mm:ss}[/] [blue]#{m.GroupName ?? m.Conversation}[/] [bold]{m.From}[/]: {m.Text}");
            }
            else
            {
                AnsiConsole.MarkupLineInterpolated($"[grey]{m.SentAt.ToLocalTime():yyyy-MM-dd HH:mm:ss}[/] [bold]{m.From}[/]: {m.Text}");
            }
        }

        Console.Out.Flush();
    }

    /// <summary>Messages that could not be read: a warning each on stderr (stdout stays parseable).</summary>
    public static void Failures(IEnumerable<MessageFailure> failures)
    {
        foreach (var failure in failures)
        {
            Console.Error.WriteLine($"warning: message {failure.Seq} in {failure.Conversation} from {failure.SenderUserId}.{failure.SenderDeviceId} was skipped: {failure.Kind} ({failure.Detail})");
        }
    }

    public static void Groups(IEnumerable<GroupInfo> groups, bool json)
    {
        foreach (var g in groups)
        {
            if (json)
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(new { id = g.Id, name = g.Name, owner = g.Owner, members = g.Members, lastSeq = g.LastSeq }, JsonLine));
            }
            else
            {
                AnsiConsole.MarkupLineInterpolated($"{g.Id}  [bold]{g.Name ?? "(name not received yet)"}[/]  owner {g.Owner}; members: {string.Join(", ", g.Members)}");
            }
        }
    }
}
