using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using XChat.Client.Crypto;
using XChat.Protocol;

namespace XChat.Client.Tests.Transport.Fakes;

/// <summary>What the fake gateway does after handling a frame: send a frame, close, or drop a socket.</summary>
internal sealed record Outgoing(FakeSocket Target, ServerFrame? Frame = null, WebSocketCloseStatus? Close = null, bool Abort = false);

/// <summary>The fake gateway's users, conversations and logs, behind one lock; frames in, outgoing actions out.</summary>
internal sealed class FakeGatewayState
{
    private readonly object _lock = new();
    private readonly Dictionary<string, (string Handle, byte[] SigningKey)> _users = [];
    private readonly Dictionary<string, List<Envelope>> _logs = [];
    private readonly Dictionary<string, string[]> _members = [];
    private readonly Dictionary<(string User, uint Device, string ClientId), (string Conversation, ulong Seq)> _sent = [];
    private readonly Dictionary<(string User, uint Device, string Conversation), ulong> _cursors = [];
    private readonly HashSet<FakeSocket> _online = [];

    /// <summary>When false, committed messages are not pushed (the client must sync).</summary>
    public volatile bool PushesEnabled = true;

    /// <summary>Commit the next N sends, then drop the socket instead of answering (a lost answer).</summary>
    public int LoseNextSendAnswers;

    /// <summary>Errors the next sends get instead of being stored.</summary>
    public ConcurrentQueue<Error> FailNextSends { get; } = new();

    /// <summary>When true, every login fails with AUTH_FAILED (a revoked device).</summary>
    public volatile bool RejectLogins;

    /// <summary>When true, nothing is answered (requests hang until the socket drops).</summary>
    public volatile bool Silent;

    public int SendRequests;

    /// <summary>The close code of the last close frame a client sent.</summary>
    public WebSocketCloseStatus? LastClientClose;

    public int Logins;

    public ConcurrentQueue<(string Conversation, ulong Seq)> Acks { get; } = new();

    public int MessageCount(string conversationId)
    {
        lock (_lock)
        {
            return _logs[conversationId].Count;
        }
    }

    public ulong Cursor(string userId, uint deviceId, string conversationId)
    {
        lock (_lock)
        {
            return _cursors.GetValueOrDefault((userId, deviceId, conversationId));
        }
    }

    public void Disconnect(FakeSocket socket)
    {
        lock (_lock)
        {
            _online.Remove(socket);
        }
    }

    public IReadOnlyList<Outgoing> Handle(FakeSocket socket, ClientFrame frame)
    {
        lock (_lock)
        {
            var id = frame.RequestId;
            if (Silent)
            {
                return [];
            }

            if (frame.BodyCase == ClientFrame.BodyOneofCase.Hello)
            {
                socket.Challenge = RandomNumberGenerator.GetBytes(32);
                return [Answer(socket, id, f => f.Welcome = new Welcome { Version = frame.Hello.Version, Challenge = ByteString.CopyFrom(socket.Challenge), MaxFrameBytes = 262144, MaxPayloadBytes = 65536 })];
            }

            if (frame.BodyCase is ClientFrame.BodyOneofCase.Register or ClientFrame.BodyOneofCase.Login)
            {
                return Authenticate(socket, frame);
            }

            if (frame.BodyCase == ClientFrame.BodyOneofCase.Ping)
            {
                return [Answer(socket, id, f => f.Pong = new PongResult { ServerTimestampMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() })];
            }

            if (socket.UserId is not { } user)
            {
                return [Failure(socket, id, ErrorCode.Unauthenticated)];
            }

            switch (frame.BodyCase)
            {
                case ClientFrame.BodyOneofCase.CreateConversation:
                    var other = frame.CreateConversation.MemberUserIds.Single();
                    var conversationId = "d:" + string.Join(":", new[] { user, other }.Order(StringComparer.Ordinal));
                    if (!_logs.ContainsKey(conversationId))
                    {
                        _logs[conversationId] = [];
                        _members[conversationId] = [user, other];
                    }

                    return [Answer(socket, id, f => f.Conversation = Info(conversationId, user, socket.DeviceId))];
                case ClientFrame.BodyOneofCase.ListConversations:
                    var list = new ConversationList();
                    list.Conversations.AddRange(_members.Where(m => m.Value.Contains(user)).Select(m => Info(m.Key, user, socket.DeviceId)));
                    return [Answer(socket, id, f => f.Conversations = list)];
                case ClientFrame.BodyOneofCase.Send:
                    return Send(socket, id, frame.Send);
                case ClientFrame.BodyOneofCase.Sync:
                    var log = _logs[frame.Sync.ConversationId];
                    var page = new MessagePage { LastSeq = (ulong)log.Count };
                    var limit = frame.Sync.Limit is 0 or > 50 ? 50 : (int)frame.Sync.Limit;
                    page.Messages.AddRange(log.Skip((int)frame.Sync.AfterSeq).Take(limit));
                    page.HasMore = (int)frame.Sync.AfterSeq + limit < log.Count;
                    return [Answer(socket, id, f => f.Messages = page)];
                case ClientFrame.BodyOneofCase.Ack:
                    Acks.Enqueue((frame.Ack.ConversationId, frame.Ack.Seq));
                    var key = (user, socket.DeviceId, frame.Ack.ConversationId);
                    _cursors[key] = Math.Max(_cursors.GetValueOrDefault(key), frame.Ack.Seq);
                    return [Answer(socket, id, f => f.Ok = new Empty())];
                default:
                    return [Failure(socket, id, ErrorCode.UnknownOperation)];
            }
        }
    }

    /// <summary>Appends a message as another device (as if sent elsewhere) and pushes it.</summary>
    public IReadOnlyList<Outgoing> Inject(string conversationId, string senderUserId, uint senderDeviceId, byte[] payload)
    {
        lock (_lock)
        {
            return Append(conversationId, senderUserId, senderDeviceId, Guid.NewGuid().ToString("N"), ByteString.CopyFrom(payload), exclude: null).Pushes;
        }
    }

    private IReadOnlyList<Outgoing> Authenticate(FakeSocket socket, ClientFrame frame)
    {
        var id = frame.RequestId;
        if (socket.UserId is not null)
        {
            return [Failure(socket, id, ErrorCode.InvalidState)];
        }

        var challengeWasFresh = !socket.ChallengeUsed;
        socket.ChallengeUsed = true;
        var signed = Encoding.UTF8.GetBytes("xchat-auth-v1").Concat(socket.Challenge).ToArray();
        if (frame.BodyCase == ClientFrame.BodyOneofCase.Register)
        {
            var register = frame.Register;
            if (_users.Values.Any(u => u.Handle == register.Handle))
            {
                return [Failure(socket, id, ErrorCode.HandleTaken)];
            }

            var key = register.IdentitySigningKey.ToByteArray();
            if (!challengeWasFresh || !Ed25519.Verify(key, signed, register.ChallengeSignature.Span)
                || !Ed25519.Verify(key, register.IdentityAgreementKey.Span, register.AgreementKeySignature.Span))
            {
                return AuthFailed(socket, id);
            }

            var userId = "u" + (_users.Count + 1);
            _users[userId] = (register.Handle, key);
            Login(socket, userId, 1);
            return [Answer(socket, id, f => f.Register = new RegisterResult { UserId = userId, DeviceId = 1 })];
        }

        var login = frame.Login;
        if (RejectLogins || !challengeWasFresh || !_users.TryGetValue(login.UserId, out var known) || login.DeviceId != 1
            || !Ed25519.Verify(known.SigningKey, signed, login.ChallengeSignature.Span))
        {
            return AuthFailed(socket, id);
        }

        Logins++;
        Login(socket, login.UserId, login.DeviceId);
        return [Answer(socket, id, f => f.Login = new LoginResult { UserId = login.UserId, DeviceId = login.DeviceId, Handle = known.Handle })];
    }

    private IReadOnlyList<Outgoing> Send(FakeSocket socket, ulong id, SendRequest send)
    {
        SendRequests++;
        if (FailNextSends.TryDequeue(out var error))
        {
            return [new Outgoing(socket, new ServerFrame { RequestId = id, Error = error })];
        }

        var dedupeKey = (socket.UserId!, socket.DeviceId, send.ClientMessageId);
        var duplicate = _sent.TryGetValue(dedupeKey, out var earlier);
        var pushes = new List<Outgoing>();
        if (!duplicate)
        {
            (var seq, pushes) = Append(send.ConversationId, socket.UserId!, socket.DeviceId, send.ClientMessageId, send.SharedCiphertext, socket);
            earlier = (send.ConversationId, seq);
            _sent[dedupeKey] = earlier;
        }

        if (!duplicate && LoseNextSendAnswers > 0)
        {
            LoseNextSendAnswers--;
            pushes.Add(new Outgoing(socket, Abort: true));
            return pushes;
        }

        var result = new SendResult { ConversationId = earlier.Conversation, Seq = earlier.Seq, Duplicate = duplicate, ServerTimestampMs = 1 };
        pushes.Insert(0, Answer(socket, id, f => f.Send = result));
        return pushes;
    }

    private (ulong Seq, List<Outgoing> Pushes) Append(string conversationId, string sender, uint device, string clientId, ByteString payload, FakeSocket? exclude)
    {
        var log = _logs[conversationId];
        var envelope = new Envelope
        {
            ConversationId = conversationId,
            Seq = (ulong)log.Count + 1,
            SenderUserId = sender,
            SenderDeviceId = device,
            ClientMessageId = clientId,
            ServerTimestampMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            SharedCiphertext = payload,
        };
        log.Add(envelope);
        var pushes = new List<Outgoing>();
        if (PushesEnabled)
        {
            // Every online device of every member except the sending socket.
            foreach (var target in _online.Where(s => s != exclude && _members[conversationId].Contains(s.UserId)))
            {
                pushes.Add(new Outgoing(target, new ServerFrame { Push = new MessagePush { Message = envelope } }));
            }
        }

        return (envelope.Seq, pushes);
    }

    private void Login(FakeSocket socket, string userId, uint deviceId)
    {
        socket.UserId = userId;
        socket.DeviceId = deviceId;
        _online.Add(socket);
    }

    private ConversationInfo Info(string conversationId, string user, uint device)
    {
        var info = new ConversationInfo
        {
            ConversationId = conversationId,
            Kind = ConversationKind.Direct,
            LastSeq = (ulong)_logs[conversationId].Count,
            Cursor = _cursors.GetValueOrDefault((user, device, conversationId)),
        };
        info.MemberUserIds.AddRange(_members[conversationId]);
        return info;
    }

    private static IReadOnlyList<Outgoing> AuthFailed(FakeSocket socket, ulong id) =>
        [Failure(socket, id, ErrorCode.AuthFailed), new Outgoing(socket, Close: (WebSocketCloseStatus)4005)];

    private static Outgoing Answer(FakeSocket socket, ulong id, Action<ServerFrame> body)
    {
        var frame = new ServerFrame { RequestId = id };
        body(frame);
        return new Outgoing(socket, frame);
    }

    private static Outgoing Failure(FakeSocket socket, ulong id, ErrorCode code) =>
        new(socket, new ServerFrame { RequestId = id, Error = new Error { Code = code, Message = code.ToString() } });
}
