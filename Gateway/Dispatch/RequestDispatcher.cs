using Microsoft.Extensions.Options;
using XChat.Gateway.Auth;
using XChat.Gateway.Connections;
using XChat.Gateway.Hosting;
using XChat.Grains;
using XChat.Grains.Conversations;
using XChat.Grains.Devices;
using XChat.Grains.Users;
using XChat.Protocol;
using GrainPage = XChat.Grains.Conversations.MessagePage;

namespace XChat.Gateway.Dispatch;

/// <summary>Turns the request of a logged-in device into grain calls. Grains check membership themselves.</summary>
public sealed class RequestDispatcher(IGrainFactory grains, GrainReferences references, SendBatcher sends, ConnectionRegistry registry, IOptions<WebSocketGatewayOptions> options, GatewayMetrics metrics)
{
    private readonly WebSocketGatewayOptions _options = options.Value;
    private readonly PreKeyDispatcher _preKeys = new(references, registry, metrics);
    private readonly LiveDispatcher _live = new(grains, registry);
    private readonly AttachmentDispatcher _attachments = new(grains);
    private readonly ContentDispatcher _content = new(references);

    public Task<ServerFrame> DispatchAsync(DeviceAddress device, ClientFrame frame) => frame.BodyCase switch
    {
        ClientFrame.BodyOneofCase.LookupUser => LookupUserAsync(frame.LookupUser),
        ClientFrame.BodyOneofCase.CreateConversation => CreateConversationAsync(device, frame.CreateConversation),
        ClientFrame.BodyOneofCase.AddMember => ChangeMembersAsync(device, frame.AddMember.ConversationId, frame.AddMember.UserId, add: true),
        ClientFrame.BodyOneofCase.RemoveMember => ChangeMembersAsync(device, frame.RemoveMember.ConversationId, frame.RemoveMember.UserId, add: false),
        ClientFrame.BodyOneofCase.Send => SendAsync(device, frame.Send),
        ClientFrame.BodyOneofCase.Sync => SyncAsync(device, frame.Sync),
        ClientFrame.BodyOneofCase.History => HistoryAsync(device, frame.History),
        ClientFrame.BodyOneofCase.Ack => AckAsync(device, frame.Ack),
        ClientFrame.BodyOneofCase.ListConversations => ListConversationsAsync(device),
        ClientFrame.BodyOneofCase.UploadPreKeys => _preKeys.UploadAsync(device, frame.UploadPreKeys),
        ClientFrame.BodyOneofCase.GetPreKeyBundle => _preKeys.GetBundleAsync(device, frame.GetPreKeyBundle),
        ClientFrame.BodyOneofCase.GetPreKeyCounts => _preKeys.GetCountsAsync(device),
        ClientFrame.BodyOneofCase.ApproveLink => ApproveLinkAsync(device, frame.ApproveLink),
        ClientFrame.BodyOneofCase.GetLink => GetLinkAsync(device, frame.GetLink),
        ClientFrame.BodyOneofCase.Typing => _live.TypingAsync(device, frame.Typing),
        ClientFrame.BodyOneofCase.GetPresence => _live.GetPresenceAsync(device, frame.GetPresence),
        ClientFrame.BodyOneofCase.SetPresenceVisibility => _live.SetPresenceVisibilityAsync(device, frame.SetPresenceVisibility),
        ClientFrame.BodyOneofCase.SetDisappearing => _live.SetDisappearingAsync(device, frame.SetDisappearing),
        ClientFrame.BodyOneofCase.StartUpload => _attachments.StartAsync(device, frame.StartUpload),
        ClientFrame.BodyOneofCase.UploadChunk => _attachments.UploadChunkAsync(device, frame.UploadChunk),
        ClientFrame.BodyOneofCase.FinishUpload => _attachments.FinishAsync(device, frame.FinishUpload),
        ClientFrame.BodyOneofCase.GetAttachment => _attachments.GetAsync(device, frame.GetAttachment),
        ClientFrame.BodyOneofCase.DownloadChunk => _attachments.DownloadChunkAsync(device, frame.DownloadChunk),
        ClientFrame.BodyOneofCase.DeleteMessage => _content.DeleteMessageAsync(device, frame.DeleteMessage),
        ClientFrame.BodyOneofCase.MarkRead => _content.MarkReadAsync(device, frame.MarkRead),
        ClientFrame.BodyOneofCase.GetReceipts => _content.GetReceiptsAsync(device, frame.GetReceipts),
        ClientFrame.BodyOneofCase.BlockUser => _content.SetBlockAsync(device, frame.BlockUser.UserId, blocked: true),
        ClientFrame.BodyOneofCase.UnblockUser => _content.SetBlockAsync(device, frame.UnblockUser.UserId, blocked: false),
        ClientFrame.BodyOneofCase.ListChats => _content.ListChatsAsync(device),
        _ => throw new RequestException(ErrorCode.UnknownOperation, "Unknown operation."),
    };

    private async Task<ServerFrame> LookupUserAsync(LookupUserRequest request)
    {
        var handle = Handles.Normalize(request.Handle);
        var userId = await grains.GetGrain<IHandleGrain>(handle).GetUserIdAsync();
        var profile = userId is null ? null : await grains.GetGrain<IUserGrain>(userId).GetProfileAsync();
        if (profile is null)
        {
            throw new RequestException(ErrorCode.NotFound, "No user has this handle.");
        }

        var result = new LookupUserResult { UserId = profile.UserId, Handle = profile.Handle };
        result.Devices.AddRange(profile.Devices.Select(d => new DeviceInfo
        {
            DeviceId = d.DeviceId,
            IdentitySigningKey = Google.Protobuf.ByteString.CopyFrom(d.Keys.IdentitySigningKey),
            IdentityAgreementKey = Google.Protobuf.ByteString.CopyFrom(d.Keys.IdentityAgreementKey),
            AgreementKeySignature = Google.Protobuf.ByteString.CopyFrom(d.Keys.AgreementKeySignature),
        }));
        return new ServerFrame { LookupUser = result };
    }

    private async Task<ServerFrame> GetLinkAsync(DeviceAddress device, GetLinkRequest request)
    {
        var (code, _, pending) = await PendingLinkOfAsync(device, request.Code);
        return new ServerFrame
        {
            PendingLink = new PendingLinkInfo
            {
                Code = code,
                IdentitySigningKey = Google.Protobuf.ByteString.CopyFrom(pending.NewDevice.IdentitySigningKey),
                IdentityAgreementKey = Google.Protobuf.ByteString.CopyFrom(pending.NewDevice.IdentityAgreementKey),
                AgreementKeySignature = Google.Protobuf.ByteString.CopyFrom(pending.NewDevice.AgreementKeySignature),
                ExpiresMs = pending.ExpiresAt.ToUnixTimeMilliseconds(),
            },
        };
    }

    private async Task<(string Code, ILinkGrain Link, PendingLink Pending)> PendingLinkOfAsync(DeviceAddress device, string rawCode)
    {
        var code = LinkCodes.Normalize(rawCode) ?? throw new RequestException(ErrorCode.NotFound, "No pending link has this code.");
        var link = grains.GetGrain<ILinkGrain>(code);
        var pending = await link.GetPendingAsync() ?? throw new RequestException(ErrorCode.NotFound, "No pending link has this code.");
        if (pending.UserId != device.UserId)
        {
            throw new RequestException(ErrorCode.Forbidden, "Only a device of the same user may see or approve a link.");
        }

        return (code, link, pending);
    }

    private async Task<ServerFrame> ApproveLinkAsync(DeviceAddress device, ApproveLinkRequest request)
    {
        var (code, link, pending) = await PendingLinkOfAsync(device, request.Code);

        var approverKeys = await references.User(device.UserId).GetDeviceKeysAsync(device.DeviceId)
            ?? throw new RequestException(ErrorCode.NotFound, "The approving device no longer exists.");
        if (!ChallengeSignatures.VerifyLinkApproval(approverKeys.IdentitySigningKey, code, pending.NewDevice.IdentitySigningKey,
                pending.NewDevice.IdentityAgreementKey, request.ApprovalSignature.ToByteArray()))
        {
            throw new RequestException(ErrorCode.AuthFailed, "Bad approval signature.");
        }

        // The grain re-checks the user and that the link is still the one the signature covers.
        var registration = await link.ApproveAsync(device, pending.NewDevice.IdentitySigningKey);
        return new ServerFrame { LinkResult = new LinkResult { UserId = registration.UserId, DeviceId = registration.DeviceId } };
    }

    private async Task<ServerFrame> CreateConversationAsync(DeviceAddress device, CreateConversationRequest request)
    {
        var kind = ProtoMapping.FromWire(request.Kind) ?? throw new RequestException(ErrorCode.BadRequest, "Unknown conversation kind.");
        var members = request.MemberUserIds.Select(RequireUserId).ToArray();
        var id = kind == Grains.Conversations.ConversationKind.Direct
            ? ConversationIds.ForDirect(device.UserId, members.Length == 1 ? members[0] : throw new RequestException(ErrorCode.BadRequest, "A direct conversation names exactly one other user."))
            : ConversationIds.NewGroup();
        var snapshot = await references.Conversation(id).CreateAsync(device.UserId, kind, members);
        var cursor = await references.Device(device).GetCursorAsync(id);
        return new ServerFrame { Conversation = ProtoMapping.ToInfo(snapshot, cursor) };
    }

    private async Task<ServerFrame> ChangeMembersAsync(DeviceAddress device, string conversationId, string userId, bool add)
    {
        var conversation = references.Conversation(RequireConversationId(conversationId));
        var member = RequireUserId(userId);
        var snapshot = add
            ? await conversation.AddMemberAsync(device.UserId, member)
            : await conversation.RemoveMemberAsync(device.UserId, member);
        return new ServerFrame { Conversation = ProtoMapping.ToInfo(snapshot, 0) };
    }

    private async Task<ServerFrame> SendAsync(DeviceAddress device, SendRequest request)
    {
        var conversationId = RequireConversationId(request.ConversationId);
        var deviceCiphertexts = request.DeviceCiphertexts;
        long size = request.SharedCiphertext.Length;
        for (var i = 0; i < deviceCiphertexts.Count; i++)
        {
            size += deviceCiphertexts[i].Ciphertext.Length;
        }

        if (size > _options.MaxPayloadBytes)
        {
            throw new RequestException(ErrorCode.PayloadTooLarge, $"A message payload is at most {_options.MaxPayloadBytes} bytes.");
        }

        if (!registry.RateLimiter(device).TryTake(out var retryAfter))
        {
            metrics.RateLimited();
            throw new RequestException(ErrorCode.RateLimited, "Too many sends; slow down.", (uint)Math.Ceiling(retryAfter.TotalMilliseconds));
        }

        var perDevice = deviceCiphertexts.Count == 0 ? [] : new Grains.Conversations.DeviceCiphertext[deviceCiphertexts.Count];
        for (var i = 0; i < perDevice.Length; i++)
        {
            var c = deviceCiphertexts[i];
            perDevice[i] = new Grains.Conversations.DeviceCiphertext(RequireUserId(c.UserId), c.DeviceId, ProtoMapping.Bytes(c.Ciphertext));
        }

        var append = new AppendRequest(
            device,
            request.ClientMessageId,
            request.SharedCiphertext.IsEmpty ? null : ProtoMapping.Bytes(request.SharedCiphertext),
            perDevice)
        {
            Silent = request.Silent,
            Quiet = request.Quiet,
        };
        // Attachments are bound before the append: a bad id fails the send with nothing stored.
        await _attachments.ReferenceAsync(device, conversationId, request.AttachmentIds);
        var result = await sends.AppendAsync(conversationId, append);
        return new ServerFrame
        {
            Send = new SendResult
            {
                ConversationId = conversationId,
                Seq = (ulong)result.Seq,
                ServerTimestampMs = result.ServerTimestampMs,
                Duplicate = result.Duplicate,
            },
        };
    }

    private async Task<ServerFrame> SyncAsync(DeviceAddress device, SyncRequest request)
    {
        metrics.SyncRequested();
        GrainPage page = await references.Conversation(RequireConversationId(request.ConversationId))
            .ReadAfterAsync(device, ToSeq(request.AfterSeq), (int)Math.Min(request.Limit, int.MaxValue));
        return new ServerFrame { Messages = ProtoMapping.ToPage(page) };
    }

    private async Task<ServerFrame> HistoryAsync(DeviceAddress device, HistoryRequest request)
    {
        GrainPage page = await references.Conversation(RequireConversationId(request.ConversationId))
            .ReadBeforeAsync(device, ToSeq(request.BeforeSeq), (int)Math.Min(request.Limit, int.MaxValue));
        return new ServerFrame { Messages = ProtoMapping.ToPage(page) };
    }

    private async Task<ServerFrame> AckAsync(DeviceAddress device, AckRequest request)
    {
        var conversationId = RequireConversationId(request.ConversationId);
        // Membership and range are checked against the conversation, so a bad ack stores nothing.
        var snapshot = await references.Conversation(conversationId).GetAsync(device.UserId);
        var seq = ToSeq(request.Seq);
        if (seq > snapshot.LastSeq)
        {
            throw new RequestException(ErrorCode.BadRequest, "Cannot acknowledge beyond the last message.");
        }

        await references.Device(device).AckAsync(conversationId, seq);
        return new ServerFrame { Ok = new Empty() };
    }

    private async Task<ServerFrame> ListConversationsAsync(DeviceAddress device)
    {
        var ids = await references.User(device.UserId).GetConversationsAsync();
        var cursors = await references.Device(device).GetCursorsAsync();
        var snapshots = await Task.WhenAll(ids.Select(id => references.Conversation(id).GetAsync(device.UserId)));
        var list = new ConversationList();
        list.Conversations.AddRange(snapshots.Select(s => ProtoMapping.ToInfo(s, cursors.GetValueOrDefault(s.ConversationId))));
        return new ServerFrame { Conversations = list };
    }

    internal static long ToSeq(ulong seq) =>
        seq <= long.MaxValue ? (long)seq : throw new RequestException(ErrorCode.BadRequest, "Sequence number out of range.");

    internal static string RequireConversationId(string id) =>
        ConversationIds.IsWellFormed(id) ? id : throw new RequestException(ErrorCode.BadRequest, "Malformed conversation id.");

    internal static string RequireUserId(string id) =>
        Identifiers.IsLowerHexId(id) ? id : throw new RequestException(ErrorCode.BadRequest, "Malformed user id.");
}
