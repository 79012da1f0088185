using XChat.Client.Crypto;

namespace XChat.Client.Keys;

/// <summary>A device's identity with its private halves: the Ed25519 signing pair and the X25519 agreement pair.</summary>
public sealed class IdentityKeyPair
{
    /// <summary>Binds the two pairs: signs the agreement public key with the signing key.</summary>
    public IdentityKeyPair(Ed25519KeyPair signing, X25519KeyPair agreement)
    {
        ArgumentNullException.ThrowIfNull(signing);
        ArgumentNullException.ThrowIfNull(agreement);
        Signing = signing;
        Agreement = agreement;
        // Our own fresh signature: verifying it again (the public constructor) would only cost an Ed25519 check.
        PublicKey = IdentityKey.FromOwnBinding(signing.PublicKey, agreement.PublicKey, Ed25519.Sign(signing, agreement.PublicKey));
    }

    /// <summary>The Ed25519 pair: signs prekeys, the binding and login challenges.</summary>
    public Ed25519KeyPair Signing { get; }

    /// <summary>The X25519 pair: IK in PQXDH.</summary>
    public X25519KeyPair Agreement { get; }

    /// <summary>The public identity, with its binding signature.</summary>
    public IdentityKey PublicKey { get; }

    /// <summary>Generates both pairs from the operating system's CSPRNG.</summary>
    public static IdentityKeyPair Generate() => new(Ed25519.GenerateKeyPair(), X25519.GenerateKeyPair());

    /// <summary>Signs <paramref name="message"/> with the Ed25519 identity key.</summary>
    public byte[] Sign(ReadOnlySpan<byte> message) => Ed25519.Sign(Signing, message);
}
