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
                Console.Out.WriteLine(JsonSerializer.Serialize(MessageJson(m), JsonLine));
                continue;
            }

            var where = m.IsGroup ? $"#{m.GroupName ?? m.Conversation} " : "";
            AnsiConsole.MarkupLineInterpolated($"[grey]{m.SentAt.ToLocalTime():yyyy-MM-dd HH:mm:ss} {m.Seq,4}[/] [blue]{where}[/][bold]{m.From}[/] {Describe(m)}");
        }

        Console.Out.Flush();
    }

    /// <summary>
    /// The JSON line of a message: the fields every line has, then those of its type (README "sync --json"):
    /// replyTo, target, emoji, removed, edited, deleted, reactions (handle → emoji).
    /// </summary>
    private static Dictionary<string, object?> MessageJson(ChatMessage m)
    {
        var line = new Dictionary<string, object?>
        {
            ["conversation"] = m.Conversation,
            ["seq"] = m.Seq,
            ["type"] = m.Type,
            ["from"] = m.From,
            ["fromUserId"] = m.FromUserId,
            ["text"] = m.Text,
            ["sentAt"] = m.SentAt.ToString("O"),
            ["group"] = m.GroupName,
        };
        if (m.ReplyTo is { } replyTo)
        {
            line["replyTo"] = replyTo;
        }

        if (m.Target is { } target)
        {
            line["target"] = target;
        }

        if (m.Emoji is { } emoji)
        {
            line["emoji"] = emoji;
            line["removed"] = m.Removed;
        }

        if (m.Edited)
        {
            line["edited"] = true;
        }

        if (m.Deleted)
        {
            line["deleted"] = true;
        }

        if (m.Reactions.Count > 0)
        {
            line["reactions"] = m.Reactions;
        }

        if (m.Attachment is { } a)
        {
            line["attachment"] = new { id = a.Id, fileName = a.FileName, contentType = a.ContentType, size = a.Size };
        }

        if (m.ExpiresAt is { } expiresAt)
        {
            line["expiresAt"] = expiresAt.ToString("O");
        }

        return line;
    }

    private static string Describe(ChatMessage m) => m.Type switch
    {
        ChatMessageTypes.Edit => $"edited {m.Target}: {m.Text}",
        ChatMessageTypes.Delete => $"deleted {m.Target} for everyone",
        ChatMessageTypes.Deleted => "(deleted)",
        ChatMessageTypes.Reaction => m.Removed ? $"took back {m.Emoji} on {m.Target}" : $"reacted {m.Emoji} to {m.Target}",
        _ when m.Deleted => "(deleted)",
        _ => (m.ReplyTo is { } r ? $"(reply to {r}) " : "") + m.Text + (m.Edited ? " (edited)" : "")
            + (m.Reactions.Count > 0 ? "  " + string.Join(' ', m.Reactions.Select(e => $"{e.Value} {e.Key}")) : ""),
    };

    /// <summary>Receipts of this user's messages that a sync found: one line each, <c>"type":"receipt"</c> in JSON.</summary>
    public static void ReceiptUpdates(IEnumerable<ReceiptUpdate> updates, bool json)
    {
        foreach (var u in updates)
        {
            var state = u.State.ToString().ToLowerInvariant();
            if (json)
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(
                    new { conversation = u.Conversation, type = "receipt", target = u.UpToSeq, state, from = u.Handle, fromUserId = u.UserId, device = u.DeviceId },
                    JsonLine));
            }
            else
            {
                AnsiConsole.MarkupLineInterpolated($"[grey]receipt[/] {u.Handle} (device {u.DeviceId}): {state} up to {u.UpToSeq}");
            }
        }

        Console.Out.Flush();
    }

    /// <summary>Where one message stands for each other device.</summary>
    public static void Receipts(IEnumerable<MessageReceipt> receipts, bool json)
    {
        foreach (var r in receipts)
        {
            var state = r.State.ToString().ToLowerInvariant();
            if (json)
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(new { user = r.Handle, userId = r.UserId, device = r.DeviceId, state }, JsonLine));
            }
            else
            {
                AnsiConsole.MarkupLineInterpolated($"{r.Handle} (device {r.DeviceId}): [bold]{state}[/]");
            }
        }
    }

    public static void Chats(IEnumerable<ChatSummary> chats, bool json)
    {
        foreach (var c in chats)
        {
            if (json)
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(
                    new { conversation = c.Conversation, title = c.Title, group = c.IsGroup, unread = c.Unread, lastSeq = c.LastSeq, lastActivity = c.LastActivity?.ToString("O"), readCursor = c.ReadCursor },
                    JsonLine));
            }
            else
            {
                var unread = c.Unread > 0 ? $"{c.Unread} unread" : "";
                AnsiConsole.MarkupLineInterpolated($"[grey]{c.LastActivity?.ToLocalTime().ToString("yyyy-MM-dd HH:mm") ?? "",-16}[/] [bold]{(c.IsGroup ? "#" : "")}{c.Title}[/] [yellow]{unread}[/]");
            }
        }
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
