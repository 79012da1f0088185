using XChat.Grains.Errors;

namespace XChat.Grains.Users;

/// <summary>Shape checks on uploaded public identity keys (signatures are verified by the gateway before the call).</summary>
public static class DeviceKeyRules
{
    public const int PublicKeyBytes = 32;
    public const int SignatureBytes = 64;

    public static void Validate(DeviceKeys keys)
    {
        if (keys.IdentitySigningKey is not { Length: PublicKeyBytes }
            || keys.IdentityAgreementKey is not { Length: PublicKeyBytes }
            || keys.AgreementKeySignature is not { Length: SignatureBytes })
        {
            throw new InvalidRequestException("Identity keys are 32 bytes and the binding signature 64 bytes.");
        }
    }
}
