using XChat.Client.Storage;
using XChat.Protocol;

namespace XChat.Client.Messaging;

// Receiving content (Protocol/CONTENT.md): texts and replies are stored; edits, deletes and reactions
// are applied to their target under the same rules the sender applied; tombstones keep a deleted
// message's place. Histories read the result back with WithContentStateAsync.
public sealed partial class XChatClient
{
    /// <summary>A received text, edit, delete or reaction: stored or applied, and reported; a content message that breaks the rules becomes a failure.</summary>
    private async Task DeliverBodyLockedAsync(Envelope envelope, string from, MessageBody body, string? groupName, List<ChatMessage> messages, List<MessageFailure> failures)
    {
        var conversation = envelope.ConversationId;
        var seq = (long)envelope.Seq;
        var sender = envelope.SenderUserId;
        var sentAt = DateTimeOffset.FromUnixTimeMilliseconds(body.SentAtMs);
        MessageFailure Fail(MessageFailureKind kind, string detail) => new(conversation, seq, sender, envelope.SenderDeviceId, kind, detail);

        // Blocking (CONTENT.md §5): the server refuses direct messages; in groups this device drops them.
        if (conversation.StartsWith("g_", StringComparison.Ordinal) && _settings.BlockedUsers.Contains(sender))
        {
            await _profile.Messages.AdvanceCursorAsync(conversation, seq).ConfigureAwait(false);
            return;
        }

        var message = new ChatMessage(conversation, seq, sender, from, body.Text ?? "", sentAt, groupName);
        switch (body.Type)
        {
            case MessageBody.TextType:
                if (await _profile.Messages.AddAsync(new StoredMessage(conversation, seq, sender, body.Text!, sentAt)).ConfigureAwait(false))
                {
                    if (body.ReplyTo is { } replyTo)
                    {
                        await _profile.Content.SaveAsync(conversation, seq, new MessageContentState { ReplyTo = replyTo }).ConfigureAwait(false);
                    }

                    messages.Add(WithLiveDetails(message with { ReplyTo = body.ReplyTo })); // ExpiresAt of a disappearing message
                }

                return;
            case MessageBody.AttachmentType or MessageBody.DisappearType:
                // Live bodies (XChatClient.Live.cs): stored like a text, with the pointer or timer kept beside it.
                if (await _profile.Messages.AddAsync(new StoredMessage(conversation, seq, sender, body.Text!, sentAt)).ConfigureAwait(false))
                {
                    messages.Add(message);
                    OnReceivedLocked(envelope, body, messages);
                }

                return;
            case MessageBody.EditType or MessageBody.DeleteType or MessageBody.ReactionType:
                var rejected = await ApplyContentLockedAsync(conversation, sender, body).ConfigureAwait(false);
                await _profile.Messages.AdvanceCursorAsync(conversation, seq).ConfigureAwait(false);
                if (rejected is not null)
                {
                    failures.Add(Fail(MessageFailureKind.RejectedContent, rejected));
                    return;
                }

                messages.Add(message with
                {
                    Type = body.Type == MessageBody.ReactionType ? ChatMessageTypes.Reaction : body.Type == MessageBody.EditType ? ChatMessageTypes.Edit : ChatMessageTypes.Delete,
                    Target = body.Target,
                    Emoji = body.Emoji,
                    Removed = body.Remove == true,
                });
                return;
            default:
                failures.Add(Fail(MessageFailureKind.UnsupportedBody, $"A '{body.Type}' body does not belong in this conversation."));
                await _profile.Messages.AdvanceCursorAsync(conversation, seq).ConfigureAwait(false);
                return;
        }
    }

    /// <summary>Applies an edit, delete or reaction by <paramref name="senderUserId"/> to its target; the reason when it is refused (then nothing changes).</summary>
    private async Task<string?> ApplyContentLockedAsync(string conversation, string senderUserId, MessageBody body)
    {
        var target = await _profile.Messages.GetOneAsync(conversation, body.Target!.Value).ConfigureAwait(false);
        if (target is null)
        {
            return $"Message {body.Target} is not on this device.";
        }

        var state = await _profile.Content.GetAsync(conversation, target.Seq).ConfigureAwait(false);
        if (state.Deleted)
        {
            // A device that synced late saw the tombstone before the sender's notice: nothing left to do.
            return body.Type == MessageBody.DeleteType && target.Sender == senderUserId ? null : $"Message {body.Target} was deleted.";
        }

        switch (body.Type)
        {
            case MessageBody.EditType when target.Sender != senderUserId:
                return $"Message {body.Target} is not the sender's own: it cannot edit it.";
            case MessageBody.DeleteType when target.Sender != senderUserId:
                return $"Message {body.Target} is not the sender's own: it cannot delete it.";
            case MessageBody.EditType:
                await _profile.Messages.ReplaceTextAsync(conversation, target.Seq, body.Text!).ConfigureAwait(false);
                state = state with { Edited = true };
                break;
            case MessageBody.DeleteType:
                await _profile.Messages.ReplaceTextAsync(conversation, target.Seq, "").ConfigureAwait(false);
                state = state with { Deleted = true, Reactions = new Dictionary<string, string>(StringComparer.Ordinal) };
                break;
            default:
                var reactions = new Dictionary<string, string>(state.Reactions, StringComparer.Ordinal);
                if (body.Remove == true)
                {
                    reactions.Remove(senderUserId);
                }
                else
                {
                    reactions[senderUserId] = body.Emoji!;
                }

                state = state with { Reactions = reactions };
                break;
        }

        await _profile.Content.SaveAsync(conversation, target.Seq, state).ConfigureAwait(false);
        return null;
    }

    /// <summary>A tombstone: the sender deleted the message before this device fetched it. A placeholder keeps its place in the history.</summary>
    private async Task ProcessTombstoneLockedAsync(Envelope envelope, List<ChatMessage> messages, string? groupName)
    {
        var conversation = envelope.ConversationId;
        var seq = (long)envelope.Seq;
        var at = DateTimeOffset.FromUnixTimeMilliseconds(envelope.ServerTimestampMs);
        if (!await _profile.Messages.AddAsync(new StoredMessage(conversation, seq, envelope.SenderUserId, "", at)).ConfigureAwait(false))
        {
            await _profile.Messages.ReplaceTextAsync(conversation, seq, "").ConfigureAwait(false);
        }

        var state = await _profile.Content.GetAsync(conversation, seq).ConfigureAwait(false);
        await _profile.Content.SaveAsync(conversation, seq, state with { Deleted = true, Reactions = new Dictionary<string, string>(StringComparer.Ordinal) }).ConfigureAwait(false);
        messages.Add(new ChatMessage(conversation, seq, envelope.SenderUserId, await DisplayNameAsync(envelope.SenderUserId).ConfigureAwait(false), "", at, groupName)
        {
            Type = ChatMessageTypes.Deleted,
            Target = seq,
            Deleted = true,
        });
    }

    /// <summary>A stored message with what happened to it: reply target, edited, deleted, reactions by handle.</summary>
    private async Task<ChatMessage> WithContentStateAsync(ChatMessage message)
    {
        var state = await _profile.Content.GetAsync(message.Conversation, message.Seq).ConfigureAwait(false);
        var reactions = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (userId, emoji) in state.Reactions)
        {
            reactions[await DisplayNameAsync(userId).ConfigureAwait(false)] = emoji;
        }

        return message with { ReplyTo = state.ReplyTo, Edited = state.Edited, Deleted = state.Deleted, Reactions = reactions };
    }
}
