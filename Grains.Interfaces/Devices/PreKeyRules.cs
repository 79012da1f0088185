using XChat.Grains.Errors;

namespace XChat.Grains.Devices;

/// <summary>
/// Shape checks on uploaded prekeys: sizes and duplicate ids within the upload. Signatures are
/// verified by the gateway before the call; limits on stored counts are the grain's.
/// </summary>
public static class PreKeyRules
{
    /// <summary>X25519 public keys are 32 bytes (RFC 7748).</summary>
    public const int X25519PublicKeyBytes = 32;

    /// <summary>ML-KEM-768 encapsulation keys are 1184 bytes (FIPS 203, Table 3).</summary>
    public const int KemPublicKeyBytes = 1184;

    /// <summary>Ed25519 signatures are 64 bytes (RFC 8032).</summary>
    public const int SignatureBytes = 64;

    /// <summary>Throws <see cref="InvalidRequestException"/> unless every key and signature has its size and no id repeats within a kind.</summary>
    public static void Validate(PreKeyUpload upload)
    {
        ArgumentNullException.ThrowIfNull(upload);
        var oneTime = upload.OneTimePreKeys ?? throw new InvalidRequestException("One-time prekeys are missing.");
        var kemOneTime = upload.KemOneTimePreKeys ?? throw new InvalidRequestException("One-time KEM prekeys are missing.");
        if (upload.SignedPreKey is null && upload.KemLastResortPreKey is null && oneTime.Count == 0 && kemOneTime.Count == 0)
        {
            throw new InvalidRequestException("The upload holds no prekey.");
        }

        if (upload.SignedPreKey is { } signed && (signed.PublicKey is not { Length: X25519PublicKeyBytes } || signed.Signature is not { Length: SignatureBytes }))
        {
            throw new InvalidRequestException($"A signed prekey is {X25519PublicKeyBytes} bytes with a {SignatureBytes}-byte signature.");
        }

        if (oneTime.Any(k => k is null || k.PublicKey is not { Length: X25519PublicKeyBytes }))
        {
            throw new InvalidRequestException($"A one-time prekey is {X25519PublicKeyBytes} bytes.");
        }

        IEnumerable<KemPreKey?> kemKeys = upload.KemLastResortPreKey is null ? kemOneTime : kemOneTime.Prepend(upload.KemLastResortPreKey);
        if (kemKeys.Any(k => k is null || k.PublicKey is not { Length: KemPublicKeyBytes } || k.Signature is not { Length: SignatureBytes }))
        {
            throw new InvalidRequestException($"A KEM prekey is {KemPublicKeyBytes} bytes with a {SignatureBytes}-byte signature.");
        }

        // KEM one-time and last-resort keys share one id space: the owner finds the private key by id alone.
        if (HasDuplicates(oneTime.Select(k => k.KeyId)) || HasDuplicates(kemKeys.Select(k => k!.KeyId)))
        {
            throw new InvalidRequestException("A prekey id appears twice in the upload.");
        }
    }

    private static bool HasDuplicates(IEnumerable<uint> ids)
    {
        var seen = new HashSet<uint>();
        return ids.Any(id => !seen.Add(id));
    }
}
