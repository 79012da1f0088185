using XChat.Client.Storage;
using XChat.Client.Transport;
using XChat.Protocol;

namespace XChat.Client.Messaging;

// Content types inside the encrypted body (Protocol/CONTENT.md): replies, edits, deletes for everyone
// and reactions. Senders and receivers apply them with the same rules (ApplyContentLockedAsync): an
// edit or delete must come from the user who sent the target, a reaction may come from any member,
// and nothing applies to a message that is not on this device or was deleted.
public sealed partial class XChatClient
{
    /// <summary>The direct conversation with <paramref name="handle"/> (created on the server when there is none yet).</summary>
    public async Task<string> DirectConversationIdAsync(string handle, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(handle);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var peer = await DeviceListAsync(handle, cancellationToken).ConfigureAwait(false);
            if (peer.UserId == UserId)
            {
                throw new XChatClientException("There is no direct conversation with yourself.");
            }

            return await DirectConversationAsync(peer.UserId, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Sends <paramref name="text"/> in <paramref name="conversation"/> as a reply to the message at <paramref name="replyTo"/>.</summary>
    public Task<ChatMessage> ReplyAsync(string conversation, long replyTo, string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        return WithGateAsync(async () =>
        {
            await RequireTargetAsync(conversation, replyTo).ConfigureAwait(false);
            var sentAt = DateTimeOffset.UtcNow;
            var body = MessageBody.ForReply(text, replyTo, Handle, sentAt);
            var seq = await SendBodyLockedAsync(conversation, body, cancellationToken).ConfigureAwait(false);
            await _profile.Messages.AddAsync(new StoredMessage(conversation, seq, UserId, text, sentAt)).ConfigureAwait(false);
            await _profile.Content.SaveAsync(conversation, seq, new MessageContentState { ReplyTo = replyTo }).ConfigureAwait(false);
            return OnSentLocked(new ChatMessage(conversation, seq, UserId, Handle, text, sentAt, await GroupNameAsync(conversation).ConfigureAwait(false)) { ReplyTo = replyTo },
                body, serverTimestampMs: null);
        }, cancellationToken);
    }

    /// <summary>Replaces the text of this user's message at <paramref name="target"/> for everyone. Another user's message cannot be edited.</summary>
    public Task<ChatMessage> EditAsync(string conversation, long target, string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        return WithGateAsync(async () =>
        {
            var original = await RequireTargetAsync(conversation, target).ConfigureAwait(false);
            if (original.Sender != UserId)
            {
                throw new XChatClientException($"Message {target} is not yours: only its sender may edit it.");
            }

            var sentAt = DateTimeOffset.UtcNow;
            var body = MessageBody.ForEdit(target, text, Handle, sentAt);
            var seq = await SendBodyLockedAsync(conversation, body, cancellationToken).ConfigureAwait(false);
            await ApplyContentLockedAsync(conversation, UserId, body).ConfigureAwait(false);
            return new ChatMessage(conversation, seq, UserId, Handle, text, sentAt, await GroupNameAsync(conversation).ConfigureAwait(false))
            {
                Type = ChatMessageTypes.Edit,
                Target = target,
            };
        }, cancellationToken);
    }

    /// <summary>
    /// Deletes this user's message at <paramref name="target"/> for everyone: the server erases its ciphertext
    /// (and refuses when the message is another user's), then an encrypted notice tells the devices that have it.
    /// </summary>
    public Task<ChatMessage> DeleteForEveryoneAsync(string conversation, long target, CancellationToken cancellationToken = default) =>
        WithGateAsync(async () =>
        {
            ArgumentException.ThrowIfNullOrEmpty(conversation);
            try
            {
                await _connection.DeleteMessageAsync(conversation, checked((ulong)target), cancellationToken).ConfigureAwait(false);
            }
            catch (XChatServerException e) when (e.Code == ErrorCode.Forbidden)
            {
                throw new XChatClientException($"Message {target} is not yours: only its sender may delete it for everyone.", e);
            }
            catch (XChatServerException e) when (e.Code is ErrorCode.NotFound or ErrorCode.BadRequest)
            {
                throw new XChatClientException($"There is no message {target} in '{conversation}'.", e);
            }
            catch (OverflowException e)
            {
                throw new XChatClientException($"There is no message {target} in '{conversation}'.", e);
            }

            var sentAt = DateTimeOffset.UtcNow;
            var body = MessageBody.ForDelete(target, Handle, sentAt);
            var seq = await SendBodyLockedAsync(conversation, body, cancellationToken).ConfigureAwait(false);
            await ApplyContentLockedAsync(conversation, UserId, body).ConfigureAwait(false);
            return new ChatMessage(conversation, seq, UserId, Handle, "", sentAt, await GroupNameAsync(conversation).ConfigureAwait(false))
            {
                Type = ChatMessageTypes.Delete,
                Target = target,
            };
        }, cancellationToken);

    /// <summary>Sets this user's reaction on the message at <paramref name="target"/> to <paramref name="emoji"/> (one per user: it replaces an earlier one).</summary>
    public Task<ChatMessage> ReactAsync(string conversation, long target, string emoji, CancellationToken cancellationToken = default) =>
        WithGateAsync(async () =>
        {
            if (!MessageBody.IsSingleEmoji(emoji))
            {
                throw new XChatClientException($"'{emoji}' is not a single emoji.");
            }

            await RequireTargetAsync(conversation, target).ConfigureAwait(false);
            return await SendReactionLockedAsync(conversation, target, emoji, remove: false, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>Takes back this user's reaction on the message at <paramref name="target"/>.</summary>
    public Task<ChatMessage> RemoveReactionAsync(string conversation, long target, CancellationToken cancellationToken = default) =>
        WithGateAsync(async () =>
        {
            await RequireTargetAsync(conversation, target).ConfigureAwait(false);
            var state = await _profile.Content.GetAsync(conversation, target).ConfigureAwait(false);
            if (!state.Reactions.TryGetValue(UserId, out var emoji))
            {
                throw new XChatClientException($"You have no reaction on message {target}.");
            }

            return await SendReactionLockedAsync(conversation, target, emoji, remove: true, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    private async Task<ChatMessage> SendReactionLockedAsync(string conversation, long target, string emoji, bool remove, CancellationToken cancellationToken)
    {
        var sentAt = DateTimeOffset.UtcNow;
        var body = MessageBody.ForReaction(target, emoji, remove, Handle, sentAt);
        var seq = await SendBodyLockedAsync(conversation, body, cancellationToken).ConfigureAwait(false);
        await ApplyContentLockedAsync(conversation, UserId, body).ConfigureAwait(false);
        return new ChatMessage(conversation, seq, UserId, Handle, "", sentAt, await GroupNameAsync(conversation).ConfigureAwait(false))
        {
            Type = ChatMessageTypes.Reaction,
            Target = target,
            Emoji = emoji,
            Removed = remove,
        };
    }

    /// <summary>Sends <paramref name="body"/> as it is, without the sender-side checks: for tests of the receiving side's rules.</summary>
    internal Task<long> SendBodyUncheckedAsync(string conversation, MessageBody body, CancellationToken cancellationToken = default) =>
        WithGateAsync(() => SendBodyLockedAsync(conversation, body, cancellationToken), cancellationToken);

    /// <summary>The stored message a reply, edit or reaction is about; it must be on this device and not deleted.</summary>
    private async Task<StoredMessage> RequireTargetAsync(string conversation, long seq)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversation);
        var target = seq > 0 ? await _profile.Messages.GetOneAsync(conversation, seq).ConfigureAwait(false) : null;
        if (target is null)
        {
            throw new XChatClientException($"There is no message {seq} in '{conversation}' on this device (run sync first).");
        }

        if ((await _profile.Content.GetAsync(conversation, seq).ConfigureAwait(false)).Deleted)
        {
            throw new XChatClientException($"Message {seq} was deleted.");
        }

        return target;
    }

    /// <summary>Sends a body in a group (under the sender key) or a direct conversation (to the peer's devices). Returns the seq.</summary>
    private async Task<long> SendBodyLockedAsync(string conversation, MessageBody body, CancellationToken cancellationToken)
    {
        if (conversation.StartsWith("g_", StringComparison.Ordinal))
        {
            return await SendGroupLockedAsync(conversation, body, cancellationToken).ConfigureAwait(false);
        }

        var peer = _settings.DirectConversations.FirstOrDefault(e => e.Value == conversation).Key
            ?? throw new XChatClientException($"This device knows no conversation '{conversation}'.");
        var handle = await _profile.Contacts.GetHandleAsync(peer).ConfigureAwait(false)
            ?? throw new XChatClientException($"This device does not know the handle of {peer} (run sync first).");
        return (await SendDirectLockedAsync(handle, body, cancellationToken).ConfigureAwait(false)).Seq;
    }

    private async Task<string?> GroupNameAsync(string conversation) =>
        conversation.StartsWith("g_", StringComparison.Ordinal) ? (await _profile.Groups.GetAsync(conversation).ConfigureAwait(false))?.Name : null;

    private async Task<T> WithGateAsync<T>(Func<Task<T>> action, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await action().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }
}
