using System.Text.Json;
using System.Text.Json.Serialization;

namespace XChat.Client.Messaging;

/// <summary>
/// The plaintext inside every ciphertext: a small versioned JSON object (Protocol/CONTENT.md is the spec). Types:
/// <list type="bullet">
/// <item><c>{"v":1,"type":"text","text":"…","sentAt":unix-ms,"from":"handle"}</c>: a message (direct, or in a group under the sender key);
/// with <c>"replyTo":seq</c> it quotes an earlier message of the conversation;</item>
/// <item><c>{"v":1,"type":"edit","target":seq,"text":"…",…}</c>: replaces the text of the sender's own message <c>target</c>;</item>
/// <item><c>{"v":1,"type":"delete","target":seq,…}</c>: the sender deleted its message <c>target</c> for everyone;</item>
/// <item><c>{"v":1,"type":"reaction","target":seq,"emoji":"👍","remove":false,…}</c>: sets (or removes) the sender's one reaction on <c>target</c>;</item>
/// <item><c>{"v":1,"type":"sender_key","distribution":base64,"group":"g_…",…}</c>: a sender key distribution message, only ever inside a pairwise session;</item>
/// <item><c>{"v":1,"type":"group","name":"…","members":[{"userId":"…","handle":"…"}],…}</c>: a group's name and members, under the sender key;</item>
/// <item><c>{"v":1,"type":"receipt","delivered":seq,…}</c>: the sending device has every message of the conversation up to
/// <c>delivered</c>; only ever inside a pairwise session of a silent message.</item>
/// </list>
/// <c>from</c> is the sender's handle as the sender states it; the receiver checks it against the server's
/// lookup before trusting it. Unknown fields are ignored, an unknown version or type is rejected.
/// </summary>
internal sealed partial record MessageBody(
    [property: JsonPropertyName("v")] int Version,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("text")] string? Text,
    [property: JsonPropertyName("sentAt")] long SentAtMs,
    [property: JsonPropertyName("from")] string? From,
    [property: JsonPropertyName("distribution")] byte[]? Distribution = null,
    [property: JsonPropertyName("group")] string? Group = null,
    [property: JsonPropertyName("name")] string? Name = null,
    [property: JsonPropertyName("members")] IReadOnlyList<GroupMemberBody>? Members = null,
    [property: JsonPropertyName("target")] long? Target = null,
    [property: JsonPropertyName("replyTo")] long? ReplyTo = null,
    [property: JsonPropertyName("emoji")] string? Emoji = null,
    [property: JsonPropertyName("remove")] bool? Remove = null,
    [property: JsonPropertyName("attachment")] AttachmentPointer? Attachment = null,
    [property: JsonPropertyName("disappearSeconds")] long? DisappearSeconds = null,
    [property: JsonPropertyName("delivered")] long? Delivered = null)
{
    public const int CurrentVersion = 1;
    public const string TextType = "text";
    public const string SenderKeyType = "sender_key";
    public const string GroupType = "group";
    // Live bodies (MessageBody.Live.cs): an attachment pointer, and the disappearing-timer control message.
    public const string AttachmentType = "attachment";
    public const string DisappearType = "disappear";
    public const string EditType = "edit";
    public const string DeleteType = "delete";
    public const string ReactionType = "reaction";
    public const string ReceiptType = "receipt";

    /// <summary>
    /// Whether the body changes an earlier message (an edit, a reaction, a delete notice) rather than
    /// adding one: it is sent quiet (SendRequest.quiet), so it does not count as unread and does not
    /// move the conversation's last activity.
    /// </summary>
    [JsonIgnore]
    public bool IsQuiet => Type is EditType or ReactionType or DeleteType;

    /// <summary>An emoji is one user-perceived character; this bounds its UTF-16 length (flags and ZWJ sequences included).</summary>
    public const int MaxEmojiLength = 32;

    public static MessageBody ForReply(string text, long replyTo, string from, DateTimeOffset sentAt) =>
        new(CurrentVersion, TextType, text, sentAt.ToUnixTimeMilliseconds(), from, ReplyTo: replyTo);

    public static MessageBody ForEdit(long target, string text, string from, DateTimeOffset sentAt) =>
        new(CurrentVersion, EditType, text, sentAt.ToUnixTimeMilliseconds(), from, Target: target);

    public static MessageBody ForDelete(long target, string from, DateTimeOffset sentAt) =>
        new(CurrentVersion, DeleteType, null, sentAt.ToUnixTimeMilliseconds(), from, Target: target);

    public static MessageBody ForReaction(long target, string emoji, bool remove, string from, DateTimeOffset sentAt) =>
        new(CurrentVersion, ReactionType, null, sentAt.ToUnixTimeMilliseconds(), from, Target: target, Emoji: emoji, Remove: remove);

    /// <summary>True for exactly one text element (grapheme cluster) of at most <see cref="MaxEmojiLength"/> UTF-16 units.</summary>
    public static bool IsSingleEmoji(string? emoji) =>
        emoji is { Length: > 0 and <= MaxEmojiLength } && new System.Globalization.StringInfo(emoji).LengthInTextElements == 1
        && !char.IsAsciiLetterOrDigit(emoji[0]) && !char.IsWhiteSpace(emoji[0]);

    /// <summary>A delivery receipt: every message up to <paramref name="delivered"/> reached the sending device (cumulative: devices sync in seq order).</summary>
    public static MessageBody ForReceipt(long delivered, string from, DateTimeOffset sentAt) =>
        new(CurrentVersion, ReceiptType, null, sentAt.ToUnixTimeMilliseconds(), from, Delivered: delivered);

    public static MessageBody ForText(string text, string from, DateTimeOffset sentAt) =>
        new(CurrentVersion, TextType, text, sentAt.ToUnixTimeMilliseconds(), from);

    public static MessageBody ForSenderKey(byte[] distribution, string group, string from, DateTimeOffset sentAt) =>
        new(CurrentVersion, SenderKeyType, null, sentAt.ToUnixTimeMilliseconds(), from, Distribution: distribution, Group: group);

    public static MessageBody ForGroup(string name, IReadOnlyList<GroupMemberBody> members, string from, DateTimeOffset sentAt) =>
        new(CurrentVersion, GroupType, null, sentAt.ToUnixTimeMilliseconds(), from, Name: name, Members: members);

    public byte[] Serialize() => JsonSerializer.SerializeToUtf8Bytes(this);

    /// <summary>Parses a decrypted body; throws <see cref="FormatException"/> when it is not a well-formed version-1 body of a known type.</summary>
    public static MessageBody Parse(ReadOnlySpan<byte> plaintext)
    {
        MessageBody? body;
        try
        {
            body = JsonSerializer.Deserialize<MessageBody>(plaintext);
        }
        catch (JsonException e)
        {
            throw new FormatException("The decrypted message is not a JSON message body.", e);
        }

        if (body is null || body.Version != CurrentVersion)
        {
            throw new FormatException($"Unsupported message body version {body?.Version}.");
        }

        var complete = body.Type switch
        {
            TextType => body.Text is not null && body.ReplyTo is null or > 0,
            EditType => body.Text is not null && body.Target > 0,
            DeleteType => body.Target > 0,
            ReactionType => body.Target > 0 && IsSingleEmoji(body.Emoji),
            ReceiptType => body.Delivered > 0,
            SenderKeyType => body.Distribution is not null && body.Group is not null,
            GroupType => body.Name is not null && body.Members is not null && body.Members.All(m => m.UserId is { Length: > 0 } && m.Handle is { Length: > 0 }),
            AttachmentType or DisappearType => IsCompleteLive(body),
            _ => false,
        };
        return complete ? body : throw new FormatException($"Unsupported or incomplete message of type '{body.Type}'.");
    }
}

/// <summary>A group member as a group update names it.</summary>
internal sealed record GroupMemberBody(
    [property: JsonPropertyName("userId")] string UserId,
    [property: JsonPropertyName("handle")] string Handle);
