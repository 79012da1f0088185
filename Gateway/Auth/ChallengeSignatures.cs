using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace XChat.Gateway.Auth;

/// <summary>Login challenges and Ed25519 (RFC 8032) signature checks on them.</summary>
public static class ChallengeSignatures
{
    public const int ChallengeBytes = 32;
    public const int SignatureBytes = 64;
    public const int PublicKeyBytes = 32;

    /// <summary>Domain separation: a login signature can never be mistaken for a signature over anything else.</summary>
    private static readonly byte[] Context = Encoding.UTF8.GetBytes("xchat-auth-v1");

    /// <summary>Domain separation of a device link approval (PROTOCOL.md "Linking a device").</summary>
    private static readonly byte[] LinkContext = Encoding.UTF8.GetBytes("xchat-link-v1");

    public static byte[] NewChallenge() => RandomNumberGenerator.GetBytes(ChallengeBytes);

    public static bool VerifyChallenge(byte[] publicKey, byte[] challenge, byte[] signature) =>
        Verify(publicKey, [.. Context, .. challenge], signature);

    /// <summary>
    /// Checks an approval of a device link: the approver's signature over "xchat-link-v1" || code
    /// (ASCII, canonical upper case) || the new device's signing key || its agreement key.
    /// </summary>
    public static bool VerifyLinkApproval(byte[] approverKey, string code, byte[] newSigningKey, byte[] newAgreementKey, byte[] signature) =>
        Verify(approverKey, [.. LinkContext, .. Encoding.ASCII.GetBytes(code), .. newSigningKey, .. newAgreementKey], signature);

    /// <summary>Checks an Ed25519 signature; false for any malformed key or signature.</summary>
    public static bool Verify(byte[] publicKey, byte[] message, byte[] signature)
    {
        if (publicKey is not { Length: PublicKeyBytes } || signature is not { Length: SignatureBytes })
        {
            return false;
        }

        try
        {
            var signer = new Ed25519Signer();
            signer.Init(false, new Ed25519PublicKeyParameters(publicKey, 0));
            signer.BlockUpdate(message, 0, message.Length);
            return signer.VerifySignature(signature);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
