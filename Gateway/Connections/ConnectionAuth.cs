using System.Runtime.CompilerServices;
using Google.Protobuf;
using XChat.Gateway.Auth;
using XChat.Gateway.Dispatch;
using XChat.Grains;
using XChat.Grains.Conversations;
using XChat.Grains.Errors;
using XChat.Grains.Users;
using XChat.Protocol;

namespace XChat.Gateway.Connections;

/// <summary>
/// The handshake and authentication state of one connection: Hello, then Register or Login by
/// signing the connection's single-use challenge with the device's Ed25519 identity key.
/// </summary>
internal sealed class ConnectionAuth(GatewayConnection connection, ConnectionServices services)
{
    private readonly long _connectedAt = services.Time.GetTimestamp();
    private byte[]? _challenge;
    private bool _helloDone;
    private DateTimeOffset? _linkExpiresAt;
    // Boxed so that the link's background wait can publish the device atomically to the receive loop.
    private volatile StrongBox<DeviceAddress>? _device;

    public DeviceAddress? Device => _device?.Value;

    /// <summary>Until the login deadline; while a device link waits for approval, until the link expires.</summary>
    public TimeSpan LoginTimeRemaining => _linkExpiresAt is { } expires
        ? TimeSpan.FromTicks(Math.Max(0, (expires - services.Time.GetUtcNow()).Ticks))
        : connection.Options.LoginTimeout - services.Time.GetElapsedTime(_connectedAt);

    public async Task HandleAsync(ClientFrame frame)
    {
        try
        {
            switch (frame.BodyCase)
            {
                case ClientFrame.BodyOneofCase.Hello:
                    Hello(frame.RequestId, frame.Hello);
                    break;
                case ClientFrame.BodyOneofCase.Register:
                    await RegisterAsync(frame.RequestId, frame.Register);
                    break;
                case ClientFrame.BodyOneofCase.Login:
                    await LoginAsync(frame.RequestId, frame.Login);
                    break;
                case ClientFrame.BodyOneofCase.LinkDevice:
                    await LinkDeviceAsync(frame.RequestId, frame.LinkDevice);
                    break;
            }
        }
        catch (AuthenticationFailed failed)
        {
            services.Metrics.LoginFailed();
            connection.Send(frame.RequestId, new ServerFrame { Error = new Error { Code = ErrorCode.AuthFailed, Message = failed.Message } });
            connection.Close(CloseCodes.AuthenticationFailed, "authentication failed", flush: true);
        }
        catch (Exception exception)
        {
            connection.SendError(frame.RequestId, exception);
        }
    }

    public async Task LogoutAsync()
    {
        if (Device is { } device && services.Registry.Remove(device, connection))
        {
            await services.PushSubscriptions.UnsubscribeAsync(device);
        }
    }

    private void Hello(ulong requestId, Hello hello)
    {
        if (_helloDone)
        {
            throw new RequestException(ErrorCode.InvalidState, "Hello was already sent.");
        }

        if (hello.Version != ProtocolVersion._1)
        {
            connection.Send(requestId, new ServerFrame { Error = new Error { Code = ErrorCode.UnsupportedVersion, Message = "This server speaks protocol version 1." } });
            connection.Close(CloseCodes.UnsupportedVersion, "unsupported version", flush: true);
            return;
        }

        _helloDone = true;
        _challenge = ChallengeSignatures.NewChallenge();
        connection.Send(requestId, new ServerFrame
        {
            Welcome = new Welcome
            {
                Version = ProtocolVersion._1,
                Challenge = ByteString.CopyFrom(_challenge),
                MaxPayloadBytes = (uint)connection.Options.MaxPayloadBytes,
                MaxFrameBytes = (uint)connection.Options.MaxFrameBytes,
            },
        });
    }

    private async Task RegisterAsync(ulong requestId, RegisterRequest request)
    {
        EnsureCanAuthenticate();
        var handle = Handles.Normalize(request.Handle); // a malformed handle keeps the challenge: fix and retry
        var keys = new DeviceKeys(request.IdentitySigningKey.ToByteArray(), request.IdentityAgreementKey.ToByteArray(), request.AgreementKeySignature.ToByteArray());
        DeviceKeyRules.Validate(keys);
        var challenge = TakeChallenge();
        if (!ChallengeSignatures.VerifyChallenge(keys.IdentitySigningKey, challenge, request.ChallengeSignature.ToByteArray())
            || !ChallengeSignatures.Verify(keys.IdentitySigningKey, keys.IdentityAgreementKey, keys.AgreementKeySignature))
        {
            throw new AuthenticationFailed("Bad signature.");
        }

        // The signature proved the key; a taken handle does not burn the proof, so the client may retry another handle.
        _challenge = challenge;
        var registration = await services.Grains.GetGrain<IHandleGrain>(handle).RegisterAsync(keys);
        _challenge = null;
        if (!await CompleteLoginAsync(requestId, new DeviceAddress(registration.UserId, registration.DeviceId)))
        {
            return;
        }

        connection.Send(requestId, new ServerFrame { Register = new RegisterResult { UserId = registration.UserId, DeviceId = registration.DeviceId } });
    }

    private async Task LoginAsync(ulong requestId, LoginRequest request)
    {
        EnsureCanAuthenticate();
        var challenge = TakeChallenge();
        if (!Identifiers.IsLowerHexId(request.UserId))
        {
            throw new AuthenticationFailed("Unknown device or bad signature.");
        }

        var user = services.Grains.GetGrain<IUserGrain>(request.UserId);
        var keys = await user.GetDeviceKeysAsync(request.DeviceId);
        // Unknown device and bad signature answer the same, so logins reveal nothing about who exists.
        if (keys is null || !ChallengeSignatures.VerifyChallenge(keys.IdentitySigningKey, challenge, request.ChallengeSignature.ToByteArray()))
        {
            throw new AuthenticationFailed("Unknown device or bad signature.");
        }

        var profile = await user.GetProfileAsync();
        if (!await CompleteLoginAsync(requestId, new DeviceAddress(request.UserId, request.DeviceId)))
        {
            return;
        }

        connection.Send(requestId, new ServerFrame { Login = new LoginResult { UserId = request.UserId, DeviceId = request.DeviceId, Handle = profile?.Handle ?? string.Empty } });
    }

    private async Task LinkDeviceAsync(ulong requestId, LinkDeviceRequest request)
    {
        EnsureCanAuthenticate();
        var handle = Handles.Normalize(request.Handle);
        var keys = new DeviceKeys(request.IdentitySigningKey.ToByteArray(), request.IdentityAgreementKey.ToByteArray(), request.AgreementKeySignature.ToByteArray());
        DeviceKeyRules.Validate(keys);
        var challenge = TakeChallenge();
        if (!ChallengeSignatures.VerifyChallenge(keys.IdentitySigningKey, challenge, request.ChallengeSignature.ToByteArray())
            || !ChallengeSignatures.Verify(keys.IdentitySigningKey, keys.IdentityAgreementKey, keys.AgreementKeySignature))
        {
            throw new AuthenticationFailed("Bad signature.");
        }

        // As for register: the proof stands, so an unknown handle may be corrected and retried.
        _challenge = challenge;
        var userId = await services.Grains.GetGrain<IHandleGrain>(handle).GetUserIdAsync()
            ?? throw new RequestException(ErrorCode.NotFound, "No user has this handle.");
        for (var attempt = 1; ; attempt++)
        {
            var code = LinkCodes.New();
            var link = services.Grains.GetGrain<ILinkGrain>(code);
            DateTimeOffset expiresAt;
            try
            {
                expiresAt = await link.StartAsync(userId, keys);
            }
            catch (InvalidRequestException) when (attempt < 3)
            {
                continue; // the code is in use by another pending link: draw again
            }

            _challenge = null;
            _linkExpiresAt = expiresAt;
            connection.Send(requestId, new ServerFrame { LinkCode = new LinkCode { Code = code, ExpiresMs = expiresAt.ToUnixTimeMilliseconds() } });
            _ = WaitForApprovalAsync(requestId, link);
            return;
        }
    }

    /// <summary>
    /// Long-polls the link grain until a device approves (the connection is then logged in as the
    /// new device) or the link expires (NOT_FOUND, and the connection closes at its login deadline).
    /// </summary>
    private async Task WaitForApprovalAsync(ulong requestId, ILinkGrain link)
    {
        try
        {
            Registration? registration = null;
            while (registration is null)
            {
                connection.Aborted.ThrowIfCancellationRequested();
                registration = await link.WaitForApprovalAsync(LinkPollWait).WaitAsync(connection.Aborted);
            }

            var device = new DeviceAddress(registration.UserId, registration.DeviceId);
            if (!await CompleteLoginAsync(requestId, device))
            {
                return;
            }

            if (connection.Aborted.IsCancellationRequested)
            {
                await LogoutAsync(); // the connection ended while logging in: undo the registration
                return;
            }

            _linkExpiresAt = null;
            connection.Send(requestId, new ServerFrame { LinkResult = new LinkResult { UserId = device.UserId, DeviceId = device.DeviceId } });
        }
        catch (OperationCanceledException) when (connection.Aborted.IsCancellationRequested)
        {
            // The new device went away: the link simply expires.
        }
        catch (Exception exception)
        {
            connection.SendError(requestId, exception);
        }
    }

    /// <summary>How long one long-poll of the link grain waits: well under the grain call timeout (30 s by default).</summary>
    private static readonly TimeSpan LinkPollWait = TimeSpan.FromSeconds(10);

    private async Task<bool> CompleteLoginAsync(ulong requestId, DeviceAddress device)
    {
        if (!services.Registry.TryAdd(device, connection, out var first))
        {
            connection.Send(requestId, new ServerFrame { Error = new Error { Code = ErrorCode.LimitExceeded, Message = "Too many connections for this device." } });
            connection.Close(CloseCodes.TooManyConnections, "too many connections", flush: true);
            return false;
        }

        _device = new StrongBox<DeviceAddress>(device);
        services.Metrics.LoggedIn();
        if (first)
        {
            await services.PushSubscriptions.SubscribeAsync(device);
        }

        return true;
    }

    private void EnsureCanAuthenticate()
    {
        if (!_helloDone)
        {
            throw new RequestException(ErrorCode.InvalidState, "Send Hello first.");
        }

        if (Device is not null)
        {
            throw new RequestException(ErrorCode.InvalidState, "Already logged in.");
        }

        if (_linkExpiresAt is not null)
        {
            throw new RequestException(ErrorCode.InvalidState, "A device link is waiting for approval.");
        }
    }

    private byte[] TakeChallenge()
    {
        var challenge = _challenge ?? throw new AuthenticationFailed("The challenge was already used; reconnect.");
        _challenge = null;
        return challenge;
    }

    private sealed class AuthenticationFailed(string message) : Exception(message);
}
