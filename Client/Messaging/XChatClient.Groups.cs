using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using XChat.Client.Errors;
using XChat.Client.Groups;
using XChat.Client.Ratchet;
using XChat.Client.Storage;
using XChat.Client.Transport;
using XChat.Protocol;

namespace XChat.Client.Messaging;

// Groups: every sending device has its own sender key per group. A group message is one shared
// ciphertext (SenderKeyMessage). Whenever a member device lacks our current sender key, the same send
// also carries one pairwise ciphertext per member device (a "sender_key" body), which the server checks
// against the group's device set like any per-device send. Before each send the group's members are read
// from the server: when a device that held our key is no longer among them (a member was removed), the
// key is rotated first and the new one goes to the remaining devices only.
public sealed partial class XChatClient
{
    /// <summary>
    /// Creates a group named <paramref name="name"/> with this user as owner and <paramref name="memberHandles"/>
    /// as members, then sends its name and members to them, encrypted. The server sees only user ids.
    /// </summary>
    public async Task<GroupInfo> CreateGroupAsync(string name, IEnumerable<string> memberHandles, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(memberHandles);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var members = new List<GroupMember> { new(UserId, Handle) };
            foreach (var handle in memberHandles.Distinct(StringComparer.OrdinalIgnoreCase))
            {
                var user = await LookupAsync(handle, cancellationToken).ConfigureAwait(false);
                if (user.UserId != UserId)
                {
                    members.Add(new GroupMember(user.UserId, user.Handle));
                }
            }

            ConversationInfo created;
            try
            {
                created = await _connection.CreateGroupAsync(members.Skip(1).Select(m => m.UserId), cancellationToken).ConfigureAwait(false);
            }
            catch (XChatServerException e) when (e.Code == ErrorCode.LimitExceeded)
            {
                throw new XChatClientException("The group would have more members than the server allows.", e);
            }

            var group = new StoredGroup(created.ConversationId, name, UserId, members, 0, []);
            await _profile.Groups.SaveAsync(group).ConfigureAwait(false);
            await SendGroupUpdateLockedAsync(group, cancellationToken).ConfigureAwait(false);
            return await ToGroupInfoAsync(created.ConversationId, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Adds <paramref name="handle"/> to the group (owner only). The new member gets the current sender keys only: nothing sent before.</summary>
    public async Task<GroupInfo> AddGroupMemberAsync(string groupId, string handle, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(groupId);
        ArgumentException.ThrowIfNullOrEmpty(handle);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var group = await RequireGroupAsync(groupId).ConfigureAwait(false);
            var user = await LookupAsync(handle, cancellationToken).ConfigureAwait(false);
            await GroupCallAsync(groupId, () => _connection.AddMemberAsync(groupId, user.UserId, cancellationToken)).ConfigureAwait(false);
            if (group.Members.All(m => m.UserId != user.UserId))
            {
                group = group with { Members = [.. group.Members, new GroupMember(user.UserId, user.Handle)] };
                await _profile.Groups.SaveAsync(group).ConfigureAwait(false);
            }

            await SendGroupUpdateLockedAsync(group, cancellationToken).ConfigureAwait(false);
            return await ToGroupInfoAsync(groupId, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Removes <paramref name="handle"/> from the group (the owner removes anyone; naming yourself leaves it).
    /// The remaining members are told, under a new sender key the removed member never gets.
    /// </summary>
    public async Task RemoveGroupMemberAsync(string groupId, string handle, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(groupId);
        ArgumentException.ThrowIfNullOrEmpty(handle);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var group = await RequireGroupAsync(groupId).ConfigureAwait(false);
            var userId = group.Members.FirstOrDefault(m => string.Equals(m.Handle, handle, StringComparison.OrdinalIgnoreCase))?.UserId
                ?? (await LookupAsync(handle, cancellationToken).ConfigureAwait(false)).UserId;
            await GroupCallAsync(groupId, () => _connection.RemoveMemberAsync(groupId, userId, cancellationToken)).ConfigureAwait(false);
            if (userId == UserId)
            {
                await _profile.Groups.DeleteAsync(groupId).ConfigureAwait(false);
                return;
            }

            group = group with { Members = group.Members.Where(m => m.UserId != userId).ToList() };
            await _profile.Groups.SaveAsync(group).ConfigureAwait(false);

            // The send sees that a holder of our key left and rotates before encrypting.
            await SendGroupUpdateLockedAsync(group, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Every group this user is in, as the server lists it, with the name and members this device learned from the group's encrypted updates.</summary>
    public async Task<IReadOnlyList<GroupInfo>> ListGroupsAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var result = new List<GroupInfo>();
            foreach (var conversation in await _connection.ListConversationsAsync(cancellationToken).ConfigureAwait(false))
            {
                if (conversation.Kind == ConversationKind.Group)
                {
                    result.Add(await ToGroupInfoAsync(conversation, cancellationToken).ConfigureAwait(false));
                }
            }

            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Encrypts <paramref name="text"/> once under this device's sender key for the group, sends it and stores it in the history.</summary>
    public async Task<ChatMessage> SendGroupTextAsync(string groupId, string text, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(groupId);
        ArgumentNullException.ThrowIfNull(text);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var group = await _profile.Groups.GetAsync(groupId).ConfigureAwait(false);
            var sentAt = DateTimeOffset.UtcNow;
            var body = MessageBody.ForText(text, Handle, sentAt);
            var seq = await SendGroupLockedAsync(groupId, body, cancellationToken).ConfigureAwait(false);
            await _profile.Messages.AddAsync(new StoredMessage(groupId, seq, UserId, text, sentAt)).ConfigureAwait(false);
            return OnSentLocked(new ChatMessage(groupId, seq, UserId, Handle, text, sentAt, group?.Name), body, serverTimestampMs: null);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The stored history of a group, oldest first: what this device could decrypt.</summary>
    public async Task<IReadOnlyList<ChatMessage>> GroupHistoryAsync(string groupId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(groupId);
        var group = await _profile.Groups.GetAsync(groupId).ConfigureAwait(false);
        var known = group is not null || (await _connection.ListConversationsAsync(cancellationToken).ConfigureAwait(false)).Any(c => c.ConversationId == groupId);
        if (!known)
        {
            throw new XChatClientException($"You are not in a group '{groupId}'.");
        }

        return await StoredHistoryAsync(groupId, group?.Name).ConfigureAwait(false);
    }

    /// <summary>The sender key distribution id of a group: derived from its conversation id, so every member computes the same.</summary>
    internal static Guid DistributionIdOf(string conversation)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("xchat-sender-key-distribution-v1:" + conversation));
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }

    private async Task<StoredGroup> RequireGroupAsync(string groupId) =>
        await _profile.Groups.GetAsync(groupId).ConfigureAwait(false)
        ?? throw new XChatClientException($"This device knows no group '{groupId}' (run sync first, or check the id with 'xchat groups').");

    private static async Task GroupCallAsync(string groupId, Func<Task> call)
    {
        try
        {
            await call().ConfigureAwait(false);
        }
        catch (XChatServerException e) when (e.Code == ErrorCode.NotFound)
        {
            throw new XChatClientException($"There is no group '{groupId}'.", e);
        }
        catch (XChatServerException e) when (e.Code == ErrorCode.Forbidden)
        {
            throw new XChatClientException($"Only the owner of '{groupId}' may change its members (a member may only remove themself).", e);
        }
        catch (XChatServerException e) when (e.Code == ErrorCode.LimitExceeded)
        {
            throw new XChatClientException("The group already has as many members as the server allows.", e);
        }
    }

    private async Task SendGroupUpdateLockedAsync(StoredGroup group, CancellationToken cancellationToken)
    {
        var body = MessageBody.ForGroup(group.Name, group.Members.Select(m => new GroupMemberBody(m.UserId, m.Handle)).ToList(), Handle, DateTimeOffset.UtcNow);
        var seq = await SendGroupLockedAsync(group.Conversation, body, cancellationToken).ConfigureAwait(false);
        var current = await _profile.Groups.GetAsync(group.Conversation).ConfigureAwait(false) ?? group;
        await _profile.Groups.SaveAsync(current with { UpdateSeq = Math.Max(current.UpdateSeq, seq) }).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends <paramref name="body"/> to the group under this device's sender key, adding the key's distribution
    /// for every member device when one of them lacks it, and rotating first when a holder left. Returns the seq.
    /// </summary>
    private async Task<long> SendGroupLockedAsync(string groupId, MessageBody body, CancellationToken cancellationToken, IReadOnlyList<string>? attachmentIds = null)
    {
        var plaintext = body.Serialize();
        var clientMessageId = XChatConnection.NewClientMessageId();
        var ownName = new SenderKeyName(DistributionIdOf(groupId), new ProtocolAddress(UserId, DeviceId));
        var builder = new GroupSessionBuilder(_profile.SenderKeys);
        for (var attempt = 1; ; attempt++)
        {
            var conversation = (await _connection.ListConversationsAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(c => c.ConversationId == groupId);
            if (conversation is null || conversation.Kind != ConversationKind.Group)
            {
                throw new XChatClientException($"You are not in a group '{groupId}'.");
            }

            // Read the group's news first: a member added or removed, its name, members' sender keys.
            await SyncConversationLockedAsync(conversation, _caughtUpMessages, _caughtUpFailures, cancellationToken).ConfigureAwait(false);
            var group = await _profile.Groups.GetAsync(groupId).ConfigureAwait(false)
                ?? new StoredGroup(groupId, "", conversation.OwnerUserId, [], 0, []);
            var targets = await GroupTargetsLockedAsync(group, conversation, cancellationToken).ConfigureAwait(false);
            var targetNames = targets.Select(t => new ProtocolAddress(t.UserId, t.Device.DeviceId).ToString()).ToHashSet(StringComparer.Ordinal);

            // A device that holds our key is gone (its user was removed): nothing more under that chain.
            if (group.SenderKeyHolders.Any(holder => !targetNames.Contains(holder)))
            {
                await builder.RotateAsync(ownName).ConfigureAwait(false);
                group = group with { SenderKeyHolders = [] };
                await _profile.Groups.SaveAsync(group).ConfigureAwait(false);
            }

            var distribution = await builder.CreateAsync(ownName).ConfigureAwait(false);
            var request = new SendRequest { ConversationId = groupId, ClientMessageId = clientMessageId, Quiet = body.IsQuiet };
            request.AttachmentIds.AddRange(attachmentIds ?? []);
            var distribute = targetNames.Except(group.SenderKeyHolders, StringComparer.Ordinal).Any();
            if (distribute)
            {
                var keyBody = MessageBody.ForSenderKey(distribution.Serialize(), groupId, Handle, DateTimeOffset.UtcNow).Serialize();
                await AddDeviceCiphertextsAsync(request, targets, keyBody, cancellationToken).ConfigureAwait(false);
            }

            var shared = await new GroupCipher(_profile.SenderKeys, ownName).EncryptAsync(plaintext).ConfigureAwait(false);
            request.SharedCiphertext = ByteString.CopyFrom(shared.Serialize());

            SendResult result;
            try
            {
                result = await _connection.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (XChatServerException e) when (attempt < MaxSendAttempts && IsMismatchedDevices(e))
            {
                // A member linked or lost a device since the lookup: look again (same client message id).
                Interlocked.Increment(ref _mismatchedDeviceRetries);
                continue;
            }
            catch (XChatServerException e) when (e.Code == ErrorCode.Forbidden)
            {
                throw new XChatClientException($"You are no longer a member of the group '{groupId}'.", e);
            }
            catch (XChatServerException e) when (e.Code == ErrorCode.NotFound)
            {
                throw new XChatClientException($"There is no group '{groupId}'.", e);
            }

            if (distribute)
            {
                var saved = await _profile.Groups.GetAsync(groupId).ConfigureAwait(false) ?? group;
                await _profile.Groups.SaveAsync(saved with { SenderKeyHolders = targetNames.Order(StringComparer.Ordinal).ToList() }).ConfigureAwait(false);
            }

            return (long)result.Seq;
        }
    }

    /// <summary>Every device of every member (as the server lists them) except this one, with the members' identities checked.</summary>
    private async Task<List<(string UserId, DeviceInfo Device)>> GroupTargetsLockedAsync(StoredGroup group, ConversationInfo conversation, CancellationToken cancellationToken)
    {
        var targets = new List<(string UserId, DeviceInfo Device)>();
        foreach (var memberId in conversation.MemberUserIds)
        {
            var handle = memberId == UserId
                ? Handle
                : group.Members.FirstOrDefault(m => m.UserId == memberId)?.Handle ?? await _profile.Contacts.GetHandleAsync(memberId).ConfigureAwait(false)
                    ?? throw new XChatClientException($"The group '{group.Conversation}' has a member this device does not know yet ({memberId}): run sync first.");

            // Looked up afresh for every group send: a member's new device must get our sender key.
            var user = await LookupAsync(handle, cancellationToken).ConfigureAwait(false);
            if (user.UserId != memberId)
            {
                throw new XChatClientException($"The handle '{handle}' no longer names the group member {memberId}.");
            }

            _deviceLists[handle] = user;
            if (memberId != UserId)
            {
                await EnsureTrustedLockedAsync(user).ConfigureAwait(false);
            }

            targets.AddRange(user.Devices.Where(d => memberId != UserId || d.DeviceId != DeviceId).Select(d => (memberId, d)));
        }

        return targets;
    }

    /// <summary>
    /// A group envelope: first the pairwise part, if any (a sender key distribution from the sending device),
    /// then the shared part under the sender's key (a text, or the group's name and members).
    /// </summary>
    private async Task ProcessGroupLockedAsync(Envelope envelope, List<ChatMessage> messages, List<MessageFailure> failures, CancellationToken cancellationToken)
    {
        var conversation = envelope.ConversationId;
        var seq = (long)envelope.Seq;
        var sender = new ProtocolAddress(envelope.SenderUserId, envelope.SenderDeviceId);
        var senderName = new SenderKeyName(DistributionIdOf(conversation), sender);
        MessageFailure Fail(MessageFailureKind kind, string detail) => new(conversation, seq, envelope.SenderUserId, envelope.SenderDeviceId, kind, detail);

        MessageFailure? failure = null;
        if (!envelope.DeviceCiphertext.IsEmpty)
        {
            failure = await ProcessDistributionLockedAsync(envelope, sender, senderName, Fail).ConfigureAwait(false);
        }

        if (envelope.Deleted)
        {
            // The sender key that came with it (if any) is stored above; the content is gone.
            var deletedIn = await _profile.Groups.GetAsync(conversation).ConfigureAwait(false);
            await ProcessTombstoneLockedAsync(envelope, messages, deletedIn?.Name).ConfigureAwait(false);
            return;
        }

        MessageBody? body = null;
        if (envelope.SharedCiphertext.IsEmpty)
        {
            failure ??= Fail(MessageFailureKind.InvalidMessage, "The group message carries no shared ciphertext.");
        }
        else
        {
            try
            {
                var message = SenderKeyMessage.Deserialize(envelope.SharedCiphertext.Span);
                var plaintext = await new GroupCipher(_profile.SenderKeys, senderName).DecryptAsync(message).ConfigureAwait(false);
                body = MessageBody.Parse(plaintext);
                if (body.Type == MessageBody.SenderKeyType)
                {
                    // Sender keys travel only inside pairwise sessions.
                    throw new FormatException("A sender key distribution under a sender key.");
                }
            }
            catch (NoSessionException e)
            {
                failure ??= Fail(MessageFailureKind.NoSenderKey, e.Message);
            }
            catch (DuplicateMessageException e)
            {
                failure ??= Fail(MessageFailureKind.DuplicateMessage, e.Message);
            }
            catch (InvalidMessageException e)
            {
                failure ??= Fail(MessageFailureKind.InvalidMessage, e.Message);
            }
            catch (FormatException e)
            {
                body = null;
                failure ??= Fail(MessageFailureKind.UnsupportedBody, e.Message);
            }
        }

        if (body is null)
        {
            failures.Add(failure ?? Fail(MessageFailureKind.InvalidMessage, "Unreadable group message."));
            await _profile.Messages.AdvanceCursorAsync(conversation, seq).ConfigureAwait(false);
            return;
        }

        var from = await VerifySenderHandleAsync(envelope.SenderUserId, body.From, cancellationToken).ConfigureAwait(false);
        if (body.Type == MessageBody.GroupType)
        {
            await ApplyGroupUpdateLockedAsync(conversation, seq, envelope.SenderUserId, body, cancellationToken).ConfigureAwait(false);
            await _profile.Messages.AdvanceCursorAsync(conversation, seq).ConfigureAwait(false);
            return;
        }

        var group = await _profile.Groups.GetAsync(conversation).ConfigureAwait(false);
        await DeliverBodyLockedAsync(envelope, from, body, group?.Name, messages, failures).ConfigureAwait(false);
    }

    /// <summary>Decrypts the pairwise part of a group envelope and stores the sender key it carries; a failure when it does not.</summary>
    private async Task<MessageFailure?> ProcessDistributionLockedAsync(Envelope envelope, ProtocolAddress sender, SenderKeyName senderName, Func<MessageFailureKind, string, MessageFailure> fail)
    {
        try
        {
            var message = DeviceCiphertextFrame.Read(envelope.DeviceCiphertext.Span);
            var plaintext = await new SessionCipher(_profile.Stores, sender).DecryptAsync(message).ConfigureAwait(false);
            var body = MessageBody.Parse(plaintext);
            if (body.Type != MessageBody.SenderKeyType || body.Group != envelope.ConversationId)
            {
                return fail(MessageFailureKind.UnsupportedBody, "The pairwise part of a group message is not this group's sender key.");
            }

            var distribution = SenderKeyDistributionMessage.Deserialize(body.Distribution);
            await new GroupSessionBuilder(_profile.SenderKeys).ProcessAsync(senderName, distribution).ConfigureAwait(false);
            return null;
        }
        catch (DuplicateMessageException e)
        {
            return fail(MessageFailureKind.DuplicateMessage, e.Message);
        }
        catch (NoSessionException e)
        {
            return fail(MessageFailureKind.NoSession, e.Message);
        }
        catch (UntrustedIdentityException e)
        {
            return fail(MessageFailureKind.UntrustedIdentity, e.Message);
        }
        catch (Exception e) when (e is InvalidKeyIdException or InvalidKeyException)
        {
            return fail(MessageFailureKind.InvalidKey, e.Message);
        }
        catch (SessionException e)
        {
            return fail(MessageFailureKind.InvalidMessage, e.Message);
        }
        catch (FormatException e)
        {
            return fail(MessageFailureKind.UnsupportedBody, e.Message);
        }
    }

    /// <summary>
    /// A group's name and members, as a member device sent them under its sender key. Only the owner's
    /// updates are applied (the server lets only the owner change members), and only newer ones. Each
    /// named handle is checked with the server before it is remembered as that user's.
    /// </summary>
    private async Task ApplyGroupUpdateLockedAsync(string conversation, long seq, string senderUserId, MessageBody body, CancellationToken cancellationToken)
    {
        var group = await _profile.Groups.GetAsync(conversation).ConfigureAwait(false);
        var owner = group?.OwnerUserId
            ?? (await _connection.ListConversationsAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(c => c.ConversationId == conversation)?.OwnerUserId;
        if (owner != senderUserId || (group is not null && seq <= group.UpdateSeq))
        {
            return;
        }

        var members = new List<GroupMember>();
        foreach (var member in body.Members!)
        {
            var handle = await VerifySenderHandleAsync(member.UserId, member.Handle, cancellationToken).ConfigureAwait(false);
            members.Add(new GroupMember(member.UserId, handle));
        }

        await _profile.Groups.SaveAsync(new StoredGroup(conversation, body.Name!, owner, members, seq, group?.SenderKeyHolders ?? [])).ConfigureAwait(false);
    }

    private async Task<GroupInfo> ToGroupInfoAsync(string groupId, CancellationToken cancellationToken)
    {
        var conversation = (await _connection.ListConversationsAsync(cancellationToken).ConfigureAwait(false)).First(c => c.ConversationId == groupId);
        return await ToGroupInfoAsync(conversation, cancellationToken).ConfigureAwait(false);
    }

    private async Task<GroupInfo> ToGroupInfoAsync(ConversationInfo conversation, CancellationToken cancellationToken)
    {
        _ = cancellationToken;
        var group = await _profile.Groups.GetAsync(conversation.ConversationId).ConfigureAwait(false);
        var members = new List<string>();
        foreach (var memberId in conversation.MemberUserIds)
        {
            members.Add(group?.Members.FirstOrDefault(m => m.UserId == memberId)?.Handle ?? await DisplayNameAsync(memberId).ConfigureAwait(false));
        }

        return new GroupInfo(conversation.ConversationId, group?.Name, await DisplayNameAsync(conversation.OwnerUserId).ConfigureAwait(false), members, (long)conversation.LastSeq);
    }
}

/// <summary>
/// A group as a member sees it: <paramref name="Name"/> from the group's encrypted updates (null until this
/// device received one), the owner's and members' handles, and the last seq on the server.
/// </summary>
public sealed record GroupInfo(string Id, string? Name, string Owner, IReadOnlyList<string> Members, long LastSeq);
