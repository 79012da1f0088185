using Google.Protobuf;
using XChat.Client.Transport;
using XChat.Protocol;
using XChat.TestSupport;

namespace XChat.Gateway.Tests;

/// <summary>Device linking over raw connections: a new device asks for a code, an existing one approves it.</summary>
internal static class Linking
{
    /// <summary>Connects a new device and sends LinkDevice; returns the connection, its identity, the request id and the code.</summary>
    public static async Task<(RawClient Client, DeviceIdentity Identity, ulong RequestId, LinkCode Code)> StartAsync(Uri server, string handle)
    {
        var identity = DeviceIdentity.Create();
        var client = await RawClient.ConnectAsync(server);
        var welcome = await client.HelloAsync();
        var register = RawClient.RegisterRequestFor(identity, handle, welcome.Challenge);
        var requestId = await client.SendAsync(new ClientFrame
        {
            LinkDevice = new LinkDeviceRequest
            {
                Handle = handle,
                IdentitySigningKey = register.IdentitySigningKey,
                IdentityAgreementKey = register.IdentityAgreementKey,
                AgreementKeySignature = register.AgreementKeySignature,
                ChallengeSignature = register.ChallengeSignature,
            },
        });
        var answer = await client.ReceiveAsync() ?? throw new InvalidOperationException("Closed while linking.");
        return (client, identity, requestId, answer.LinkCode ?? throw new InvalidOperationException($"Expected LinkCode, got {answer}."));
    }

    /// <summary>GetLink, sign with the signer's key, ApproveLink; returns the answer (LinkResult or Error).</summary>
    public static async Task<ServerFrame> ApproveAsync(RawClient approver, DeviceIdentity signer, string code)
    {
        var pending = await approver.RequestAsync(new ClientFrame { GetLink = new GetLinkRequest { Code = code } });
        if (pending.BodyCase == ServerFrame.BodyOneofCase.Error)
        {
            return pending;
        }

        var signature = signer.Sign(LinkSigningInput.For(code, pending.PendingLink.IdentitySigningKey.Span, pending.PendingLink.IdentityAgreementKey.Span));
        return await approver.RequestAsync(new ClientFrame { ApproveLink = new ApproveLinkRequest { Code = code, ApprovalSignature = ByteString.CopyFrom(signature) } });
    }

    /// <summary>A whole link: the new device is logged in on the returned connection.</summary>
    public static async Task<(RawClient Client, DeviceIdentity Identity)> LinkAsync(Uri server, string handle, RawClient approver, DeviceIdentity approverIdentity)
    {
        var (client, identity, requestId, code) = await StartAsync(server, handle);
        var approved = await ApproveAsync(approver, approverIdentity, code.Code);
        var result = approved.LinkResult ?? throw new InvalidOperationException($"Approval failed: {approved.Error}");
        var linked = await client.ReceiveAsync() ?? throw new InvalidOperationException("Closed while linking.");
        if (linked.RequestId != requestId || linked.LinkResult is null)
        {
            throw new InvalidOperationException($"Expected LinkResult for {requestId}, got {linked}.");
        }

        identity.SetAddress(result.UserId, result.DeviceId);
        return (client, identity);
    }

    public static async Task<LookupUserResult> LookupAsync(RawClient client, string handle) =>
        (await client.RequestAsync(new ClientFrame { LookupUser = new LookupUserRequest { Handle = handle } })).LookupUser;
}
