using XChat.Client.Storage;
using XChat.Protocol;

namespace XChat.Client.Messaging;

// Disappearing messages, typing and presence (issue 5, items 3–5).
public sealed partial class XChatClient
{
    /// <summary>
    /// Sets the disappearing timer of the conversation with <paramref name="handle"/> (or of group
    /// <paramref name="groupId"/>) on the server, then tells the members in an encrypted control message.
    /// Messages sent afterwards disappear <paramref name="duration"/> after the server stored them; zero turns it off.
    /// </summary>
    public async Task<ChatMessage> SetDisappearingAsync(string? handle, string? groupId, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var conversation = await ConversationOfLockedAsync(handle, groupId, cancellationToken).ConfigureAwait(false);
            ConversationInfo info;
            try
            {
                info = await _connection.SetDisappearingAsync(conversation, checked((uint)duration.TotalSeconds), cancellationToken).ConfigureAwait(false);
            }
            catch (Transport.XChatServerException e) when (e.Code == ErrorCode.BadRequest)
            {
                throw new XChatClientException($"The server refused the timer: {e.Message}", e);
            }

            RememberTimer(info);
            var body = MessageBody.ForDisappear(duration, Handle, DateTimeOffset.UtcNow);
            return groupId is null
                ? await SendDirectBodyLockedAsync(handle!, body, [], cancellationToken).ConfigureAwait(false)
                : await SendGroupBodyLockedAsync(groupId, body, [], cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Tells the other members' online devices that this user is typing (or stopped). Nothing is stored anywhere.</summary>
    public async Task SendTypingAsync(string? handle, string? groupId, bool typing = true, CancellationToken cancellationToken = default)
    {
        string conversation;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            conversation = await ConversationOfLockedAsync(handle, groupId, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }

        await _connection.SendTypingAsync(conversation, typing, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Online / last seen of the users with <paramref name="handles"/>, as the server lets this user see it.</summary>
    public async Task<IReadOnlyList<UserPresence>> GetPresenceAsync(IReadOnlyList<string> handles, CancellationToken cancellationToken = default)
    {
        var users = new List<(string Handle, string UserId)>();
        foreach (var handle in handles)
        {
            users.Add((handle, (await LookupAsync(handle, cancellationToken).ConfigureAwait(false)).UserId));
        }

        var answers = await _connection.GetPresenceAsync(users.Select(u => u.UserId).Distinct(), cancellationToken).ConfigureAwait(false);
        return users.Select(u =>
        {
            var p = answers.FirstOrDefault(a => a.UserId == u.UserId);
            var status = p?.Status ?? PresenceStatus.Unknown;
            var lastSeen = status == PresenceStatus.Offline && p!.LastSeenMs > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(p.LastSeenMs) : (DateTimeOffset?)null;
            return new UserPresence(u.Handle, u.UserId, status switch
            {
                PresenceStatus.Online => "online",
                PresenceStatus.Offline => "offline",
                _ => "unknown",
            }, lastSeen);
        }).ToArray();
    }

    /// <summary>Hides this user's presence from everyone (they see "unknown"), or shows it again.</summary>
    public Task SetPresenceHiddenAsync(bool hidden, CancellationToken cancellationToken = default) =>
        _connection.SetPresenceHiddenAsync(hidden, cancellationToken);

    /// <summary>The conversation id of a direct chat with <paramref name="handle"/>, or the group id (exactly one must be given).</summary>
    private async Task<string> ConversationOfLockedAsync(string? handle, string? groupId, CancellationToken cancellationToken)
    {
        if ((handle is null) == (groupId is null))
        {
            throw new ArgumentException("Name either a handle or a group.");
        }

        if (groupId is not null)
        {
            return groupId;
        }

        var peer = await DeviceListAsync(handle!, cancellationToken).ConfigureAwait(false);
        if (peer.UserId == UserId)
        {
            throw new XChatClientException("That is you; name another user.");
        }

        return await DirectConversationAsync(peer.UserId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends a body in the direct conversation with <paramref name="handle"/> and stores it like a text message.</summary>
    private async Task<ChatMessage> SendDirectBodyLockedAsync(string handle, MessageBody body, IReadOnlyList<string> attachmentIds, CancellationToken cancellationToken)
    {
        var sentAt = DateTimeOffset.FromUnixTimeMilliseconds(body.SentAtMs);
        var (conversation, seq) = await SendDirectLockedAsync(handle, body, cancellationToken, attachmentIds).ConfigureAwait(false);
        await _profile.Messages.AddAsync(new StoredMessage(conversation, seq, UserId, body.Text!, sentAt)).ConfigureAwait(false);
        return OnSentLocked(new ChatMessage(conversation, seq, UserId, Handle, body.Text!, sentAt), body, serverTimestampMs: null);
    }

    /// <summary>Sends a body to a group and stores it like a text message.</summary>
    private async Task<ChatMessage> SendGroupBodyLockedAsync(string groupId, MessageBody body, IReadOnlyList<string> attachmentIds, CancellationToken cancellationToken)
    {
        var group = await _profile.Groups.GetAsync(groupId).ConfigureAwait(false);
        var sentAt = DateTimeOffset.FromUnixTimeMilliseconds(body.SentAtMs);
        var seq = await SendGroupLockedAsync(groupId, body, cancellationToken, attachmentIds).ConfigureAwait(false);
        await _profile.Messages.AddAsync(new StoredMessage(groupId, seq, UserId, body.Text!, sentAt)).ConfigureAwait(false);
        return OnSentLocked(new ChatMessage(groupId, seq, UserId, Handle, body.Text!, sentAt, group?.Name), body, serverTimestampMs: null);
    }

    /// <summary>
    /// Notes an envelope's expiry before it is processed; true (and the local copy deleted) when the server
    /// already erased it, which needs no decryption and is no failure.
    /// </summary>
    private async Task<bool> TakeExpiryLockedAsync(Envelope envelope)
    {
        if (envelope.Erased)
        {
            _profile.Live.Delete(envelope.ConversationId, (long)envelope.Seq);
            await _profile.Messages.AdvanceCursorAsync(envelope.ConversationId, (long)envelope.Seq).ConfigureAwait(false);
            return true;
        }

        if (envelope.ExpiresAtMs > 0)
        {
            _profile.Live.SetExpiry(envelope.ConversationId, (long)envelope.Seq, envelope.ExpiresAtMs);
        }

        return false;
    }

    /// <summary>A received message was stored: keep its attachment pointer or timer change, and show them on the message.</summary>
    private void OnReceivedLocked(Envelope envelope, MessageBody body, List<ChatMessage> messages)
    {
        var conversation = envelope.ConversationId;
        var seq = (long)envelope.Seq;
        if (body.Type == MessageBody.AttachmentType && body.Attachment is { } pointer)
        {
            _profile.Live.SetAttachment(conversation, seq, pointer);
        }
        else if (body.Type == MessageBody.DisappearType && body.DisappearSeconds is { } seconds)
        {
            _profile.Live.SetTimer(conversation, TimeSpan.FromSeconds(seconds));
        }

        messages[^1] = WithLiveDetails(messages[^1]);
    }

    /// <summary>This device sent a message: its expiry follows the conversation's timer; an attachment's pointer is kept.</summary>
    private ChatMessage OnSentLocked(ChatMessage message, MessageBody body, long? serverTimestampMs)
    {
        if (body.Type == MessageBody.AttachmentType && body.Attachment is { } pointer)
        {
            _profile.Live.SetAttachment(message.Conversation, message.Seq, pointer);
        }

        if (body.Type == MessageBody.DisappearType && body.DisappearSeconds is { } seconds)
        {
            _profile.Live.SetTimer(message.Conversation, TimeSpan.FromSeconds(seconds));
        }

        var timer = _profile.Live.GetTimer(message.Conversation);
        if (timer > TimeSpan.Zero)
        {
            var stored = serverTimestampMs ?? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            _profile.Live.SetExpiry(message.Conversation, message.Seq, stored + (long)timer.TotalMilliseconds);
        }

        return WithLiveDetails(message);
    }

    private ChatMessage WithLiveDetails(ChatMessage message)
    {
        var expiry = _profile.Live.GetExpiry(message.Conversation, message.Seq);
        var pointer = _profile.Live.GetAttachment(message.Conversation, message.Seq);
        return message with
        {
            ExpiresAt = expiry is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null,
            Attachment = pointer is null ? null : new ChatAttachment(pointer.Id, pointer.FileName, pointer.ContentType, pointer.Size),
        };
    }

    /// <summary>Deletes the local copies of messages whose time is up (their text and attachment keys).</summary>
    private void DeleteExpiredMessages() => _profile.Live.DeleteExpired(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

    private void RememberTimer(ConversationInfo conversation) =>
        _profile.Live.SetTimer(conversation.ConversationId, TimeSpan.FromSeconds(conversation.DisappearAfterSeconds));
}

/// <summary>A user's presence as the server shows it to this user: "online", "offline" (with <paramref name="LastSeen"/> when known) or "unknown".</summary>
public sealed record UserPresence(string Handle, string UserId, string Status, DateTimeOffset? LastSeen);
