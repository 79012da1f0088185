using Google.Protobuf;
using XChat.Protocol;

namespace XChat.Client.Transport;

// Device linking (PROTOCOL.md "Linking a device"): the new device asks for a code and waits on the
// same request; an existing device of the user reads the pending link, signs the new keys and approves.
public sealed partial class XChatConnection
{
    /// <summary>
    /// On a new, unregistered identity: asks to join the user with this handle. Returns the code to
    /// show; <see cref="PendingDeviceLink.Approved"/> completes when a device of the user approves
    /// (this connection is then logged in as the new device) and fails with NOT_FOUND when the code
    /// expires first.
    /// </summary>
    public async Task<PendingDeviceLink> StartLinkAsync(string handle, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(handle);
        if (_identity.UserId is not null)
        {
            throw new InvalidOperationException("This identity already belongs to a user; it logs in instead.");
        }

        var session = await AcquireChallengeAsync(cancellationToken).ConfigureAwait(false);
        var agreementKey = _identity.AgreementPublicKey.Span;
        var request = new LinkDeviceRequest
        {
            Handle = handle,
            IdentitySigningKey = ByteString.CopyFrom(_identity.SigningPublicKey.Span),
            IdentityAgreementKey = ByteString.CopyFrom(agreementKey),
            AgreementKeySignature = ByteString.CopyFrom(_identity.Sign(agreementKey)),
            ChallengeSignature = SignChallenge(session),
        };

        // The server answers this request twice: link_code now, link_result (or an Error) on approval.
        var requestId = (ulong)Interlocked.Increment(ref _lastRequestId);
        var second = session.Pending.RegisterFollowUp(requestId);
        var first = session.Pending.Register(requestId, _options.RequestTimeout);
        try
        {
            await session.Socket.SendAsync(new ClientFrame { RequestId = requestId, LinkDevice = request }, _lifetime.Token).ConfigureAwait(false);
            var answer = await first.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (answer.BodyCase == ServerFrame.BodyOneofCase.Error)
            {
                throw XChatServerException.From(answer.Error);
            }

            var code = Expect(answer, ServerFrame.BodyOneofCase.LinkCode).LinkCode;
            return new PendingDeviceLink(code.Code, DateTimeOffset.FromUnixTimeMilliseconds(code.ExpiresMs), CompleteLinkAsync(session, second, handle));
        }
        catch
        {
            session.Pending.Remove(requestId);
            throw;
        }
    }

    /// <summary>On a logged-in device: the keys of a pending link of this user, to show and sign.</summary>
    public async Task<PendingLinkInfo> GetLinkAsync(string code, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(code);
        var answer = await RequestAsync(new ClientFrame { GetLink = new GetLinkRequest { Code = code } }, cancellationToken).ConfigureAwait(false);
        return Expect(answer, ServerFrame.BodyOneofCase.PendingLink).PendingLink;
    }

    /// <summary>On a logged-in device: approves a pending link whose keys the caller has checked (signs them).</summary>
    public async Task<LinkResult> ApproveLinkAsync(PendingLinkInfo link, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(link);
        var signature = _identity.Sign(LinkSigningInput.For(link.Code, link.IdentitySigningKey.Span, link.IdentityAgreementKey.Span));
        var request = new ApproveLinkRequest { Code = link.Code, ApprovalSignature = ByteString.CopyFrom(signature) };
        var answer = await RequestAsync(new ClientFrame { ApproveLink = request }, cancellationToken).ConfigureAwait(false);
        return Expect(answer, ServerFrame.BodyOneofCase.LinkResult).LinkResult;
    }

    private async Task<LinkResult> CompleteLinkAsync(ConnectionSession session, Task<ServerFrame> second, string handle)
    {
        var answer = await second.ConfigureAwait(false);
        if (answer.BodyCase == ServerFrame.BodyOneofCase.Error)
        {
            throw XChatServerException.From(answer.Error);
        }

        var result = Expect(answer, ServerFrame.BodyOneofCase.LinkResult).LinkResult;
        _identity.SetAddress(result.UserId, result.DeviceId);
        session.MarkAuthenticated(new LoginResult { UserId = result.UserId, DeviceId = result.DeviceId, Handle = handle });
        StartResume(session);
        return result;
    }
}

/// <summary>A link request waiting for approval: the code to show, when it expires, and the outcome.</summary>
public sealed record PendingDeviceLink(string Code, DateTimeOffset ExpiresAt, Task<LinkResult> Approved);
