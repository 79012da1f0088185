using Google.Protobuf;
using XChat.Protocol;

namespace XChat.Client.Transport;

// The typed operations of PROTOCOL.md §3–4. Each fails with XChatServerException on an Error
// answer, ConnectionLostException when the socket drops first (SendAsync retries instead) and
// TimeoutException after RequestTimeout.
public sealed partial class XChatConnection
{
    /// <summary>Registers a new user with this device as device 1 and logs in; the identity records the new address.</summary>
    public async Task<RegisterResult> RegisterAsync(string handle, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(handle);
        if (_identity.UserId is not null)
        {
            throw new InvalidOperationException("This identity is already registered; it logs in instead.");
        }

        var session = await AcquireChallengeAsync(cancellationToken).ConfigureAwait(false);
        var agreementKey = _identity.AgreementPublicKey.Span;
        var register = new RegisterRequest
        {
            Handle = handle,
            IdentitySigningKey = ByteString.CopyFrom(_identity.SigningPublicKey.Span),
            IdentityAgreementKey = ByteString.CopyFrom(agreementKey),
            // Binds the agreement key to the signing key, so peers can trust it (PROTOCOL.md §3).
            AgreementKeySignature = ByteString.CopyFrom(_identity.Sign(agreementKey)),
            ChallengeSignature = SignChallenge(session),
        };
        var answer = await RequestOnAsync(session, new ClientFrame { Register = register }, cancellationToken).ConfigureAwait(false);
        var result = Expect(answer, ServerFrame.BodyOneofCase.Register).Register;
        _identity.SetAddress(result.UserId, result.DeviceId);
        session.MarkAuthenticated(new LoginResult { UserId = result.UserId, DeviceId = result.DeviceId, Handle = handle });
        StartResume(session);
        return result;
    }

    /// <summary>Logs in as the identity's device; a connection that is already logged in returns its login at once.</summary>
    public async Task<LoginResult> LoginAsync(CancellationToken cancellationToken = default)
    {
        if (_identity.UserId is null)
        {
            throw new InvalidOperationException("This identity is not registered yet; call RegisterAsync.");
        }

        var current = await WaitForSessionAsync(_options.ConnectTimeout, cancellationToken).ConfigureAwait(false);
        if (current is { IsAuthenticated: true, Login: { } login })
        {
            return login;
        }

        var session = await AcquireChallengeAsync(cancellationToken).ConfigureAwait(false);
        var result = await LoginOnAsync(session, cancellationToken).ConfigureAwait(false);
        StartResume(session);
        return result;
    }

    /// <summary>Finds a user and their devices' public keys by handle.</summary>
    public async Task<LookupUserResult> LookupUserAsync(string handle, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(handle);
        var answer = await RequestAsync(new ClientFrame { LookupUser = new LookupUserRequest { Handle = handle } }, cancellationToken).ConfigureAwait(false);
        return Expect(answer, ServerFrame.BodyOneofCase.LookupUser).LookupUser;
    }

    /// <summary>Creates the direct conversation with another user, or returns the existing one.</summary>
    public Task<ConversationInfo> CreateDirectAsync(string otherUserId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(otherUserId);
        return CreateConversationAsync(ConversationKind.Direct, [otherUserId], cancellationToken);
    }

    /// <summary>Creates a group owned by this user with the listed members.</summary>
    public Task<ConversationInfo> CreateGroupAsync(IEnumerable<string> memberUserIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(memberUserIds);
        return CreateConversationAsync(ConversationKind.Group, memberUserIds, cancellationToken);
    }

    /// <summary>Adds a member to a group (owner only).</summary>
    public async Task AddMemberAsync(string conversationId, string userId, CancellationToken cancellationToken = default)
    {
        var request = new AddMemberRequest { ConversationId = conversationId, UserId = userId };
        ExpectOkOrConversation(await RequestAsync(new ClientFrame { AddMember = request }, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Removes a member from a group (the owner removes anyone, a member removes themself).</summary>
    public async Task RemoveMemberAsync(string conversationId, string userId, CancellationToken cancellationToken = default)
    {
        var request = new RemoveMemberRequest { ConversationId = conversationId, UserId = userId };
        ExpectOkOrConversation(await RequestAsync(new ClientFrame { RemoveMember = request }, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Reads messages after a seq, oldest first. Raw: the page is returned, not delivered to <see cref="Messages"/>.</summary>
    public async Task<MessagePage> SyncAsync(string conversationId, ulong afterSeq, uint limit = 0, CancellationToken cancellationToken = default)
    {
        var request = new SyncRequest { ConversationId = conversationId, AfterSeq = afterSeq, Limit = limit };
        var answer = await RequestAsync(new ClientFrame { Sync = request }, cancellationToken).ConfigureAwait(false);
        return Expect(answer, ServerFrame.BodyOneofCase.Messages).Messages;
    }

    /// <summary>Reads messages before a seq (0: from the newest), newest first, for scroll-back.</summary>
    public async Task<MessagePage> HistoryAsync(string conversationId, ulong beforeSeq = 0, uint limit = 0, CancellationToken cancellationToken = default)
    {
        var request = new HistoryRequest { ConversationId = conversationId, BeforeSeq = beforeSeq, Limit = limit };
        var answer = await RequestAsync(new ClientFrame { History = request }, cancellationToken).ConfigureAwait(false);
        return Expect(answer, ServerFrame.BodyOneofCase.Messages).Messages;
    }

    /// <summary>Moves this device's server-side cursor forward. <see cref="Messages"/> acks by itself; this is for applications that manage cursors.</summary>
    public async Task AckAsync(string conversationId, ulong seq, CancellationToken cancellationToken = default)
    {
        var request = new AckRequest { ConversationId = conversationId, Seq = seq };
        Expect(await RequestAsync(new ClientFrame { Ack = request }, cancellationToken).ConfigureAwait(false), ServerFrame.BodyOneofCase.Ok);
    }

    /// <summary>Every conversation of the user, with its last seq and this device's server-side cursor.</summary>
    public async Task<IReadOnlyList<ConversationInfo>> ListConversationsAsync(CancellationToken cancellationToken = default)
    {
        var answer = await RequestAsync(new ClientFrame { ListConversations = new ListConversationsRequest() }, cancellationToken).ConfigureAwait(false);
        return Expect(answer, ServerFrame.BodyOneofCase.Conversations).Conversations.Conversations;
    }

    /// <summary>Round-trips a Ping; the connection also pings by itself every PingInterval.</summary>
    public async Task<PongResult> PingAsync(CancellationToken cancellationToken = default)
    {
        var answer = await RequestAsync(new ClientFrame { Ping = new PingRequest() }, cancellationToken).ConfigureAwait(false);
        return Expect(answer, ServerFrame.BodyOneofCase.Pong).Pong;
    }

    private async Task<ConversationInfo> CreateConversationAsync(ConversationKind kind, IEnumerable<string> memberUserIds, CancellationToken cancellationToken)
    {
        var request = new CreateConversationRequest { Kind = kind };
        request.MemberUserIds.AddRange(memberUserIds);
        var answer = await RequestAsync(new ClientFrame { CreateConversation = request }, cancellationToken).ConfigureAwait(false);
        return Expect(answer, ServerFrame.BodyOneofCase.Conversation).Conversation;
    }

    // PROTOCOL.md lets membership changes answer with the updated conversation or a bare ok.
    private static void ExpectOkOrConversation(ServerFrame answer)
    {
        if (answer.BodyCase is not (ServerFrame.BodyOneofCase.Ok or ServerFrame.BodyOneofCase.Conversation))
        {
            throw new InvalidDataException($"The server answered with {answer.BodyCase} where Ok was expected.");
        }
    }

    /// <summary>Logs a session in; its challenge must already be claimed.</summary>
    private async Task<LoginResult> LoginOnAsync(ConnectionSession session, CancellationToken cancellationToken)
    {
        var login = new LoginRequest
        {
            UserId = _identity.UserId ?? throw new InvalidOperationException("This identity is not registered yet."),
            DeviceId = _identity.DeviceId,
            ChallengeSignature = SignChallenge(session),
        };
        var answer = await RequestOnAsync(session, new ClientFrame { Login = login }, cancellationToken).ConfigureAwait(false);
        var result = Expect(answer, ServerFrame.BodyOneofCase.Login).Login;
        session.MarkAuthenticated(result);
        return result;
    }

    /// <summary>A live session whose challenge this caller now owns; a session with a used challenge is dropped for a fresh one.</summary>
    private async Task<ConnectionSession> AcquireChallengeAsync(CancellationToken cancellationToken)
    {
        var timeout = _options.ConnectTimeout + _options.ReconnectMaxDelay;
        while (true)
        {
            var session = await WaitForSessionAsync(timeout, cancellationToken).ConfigureAwait(false);
            if (session.IsAuthenticated)
            {
                throw new InvalidOperationException("This connection is already logged in.");
            }

            if (session.TryUseChallenge())
            {
                return session;
            }

            // The challenge is single-use (PROTOCOL.md §3): only a new socket brings a new one.
            session.Socket.Abort();
            await session.Closed.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private ByteString SignChallenge(ConnectionSession session)
    {
        var challenge = session.Welcome?.Challenge ?? throw new InvalidOperationException("No Welcome on this socket yet.");
        return ByteString.CopyFrom(_identity.Sign(AuthChallenge.SigningInput(challenge.Span)));
    }
}
