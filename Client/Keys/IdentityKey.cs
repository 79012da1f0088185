using XChat.Client.Crypto;
using XChat.Client.Errors;

namespace XChat.Client.Keys;

/// <summary>
/// A device's public identity: the Ed25519 key that signs and the X25519 key that agrees, bound by an
/// Ed25519 signature over the 32 bytes of the X25519 key (the binding of Protocol/PROTOCOL.md §3).
/// An instance always has a valid binding: the constructor verifies it.
/// </summary>
/// <remarks>
/// PQXDH uses one XEdDSA key for both roles. We keep two keys, as the design fixes, and the binding
/// gives the same guarantee: nobody can pair someone else's signing key with their own agreement key.
/// </remarks>
public sealed class IdentityKey : IEquatable<IdentityKey>
{
    /// <summary>Signing key, agreement key and binding signature: 32 + 32 + 64 bytes.</summary>
    public const int SerializedSize = Ed25519.PublicKeySize + X25519.KeySize + Ed25519.SignatureSize;

    private readonly byte[] _signingKey;
    private readonly byte[] _agreementKey;
    private readonly byte[] _bindingSignature;

    /// <summary>Checks the lengths and the binding signature; throws <see cref="InvalidKeyException"/> when either is wrong.</summary>
    public IdentityKey(ReadOnlySpan<byte> signingKey, ReadOnlySpan<byte> agreementKey, ReadOnlySpan<byte> bindingSignature)
        : this(signingKey, agreementKey, bindingSignature, verifyBinding: true)
    {
    }

    private IdentityKey(ReadOnlySpan<byte> signingKey, ReadOnlySpan<byte> agreementKey, ReadOnlySpan<byte> bindingSignature, bool verifyBinding)
    {
        if (signingKey.Length != Ed25519.PublicKeySize || agreementKey.Length != X25519.KeySize || bindingSignature.Length != Ed25519.SignatureSize)
        {
            throw new InvalidKeyException("An identity key has a 32-byte signing key, a 32-byte agreement key and a 64-byte binding signature.");
        }

        if (verifyBinding && !Ed25519.Verify(signingKey, agreementKey, bindingSignature))
        {
            throw new InvalidKeyException("The identity agreement key is not signed by the identity signing key.");
        }

        _signingKey = signingKey.ToArray();
        _agreementKey = agreementKey.ToArray();
        _bindingSignature = bindingSignature.ToArray();
    }

    /// <summary>The Ed25519 public key (32 bytes): signs prekeys and login challenges.</summary>
    public ReadOnlySpan<byte> SigningKey => _signingKey;

    /// <summary>The X25519 public key (32 bytes): IK in the PQXDH Diffie-Hellman computations.</summary>
    public ReadOnlySpan<byte> AgreementKey => _agreementKey;

    /// <summary>The Ed25519 signature by <see cref="SigningKey"/> over <see cref="AgreementKey"/>.</summary>
    public ReadOnlySpan<byte> BindingSignature => _bindingSignature;

    /// <summary>Reads the 128-byte form of <see cref="Serialize"/>; throws <see cref="InvalidKeyException"/> on a wrong length or binding.</summary>
    public static IdentityKey Deserialize(ReadOnlySpan<byte> serialized)
    {
        if (serialized.Length != SerializedSize)
        {
            throw new InvalidKeyException($"A serialized identity key has {SerializedSize} bytes.");
        }

        return new IdentityKey(serialized[..32], serialized[32..64], serialized[64..]);
    }

    /// <summary>
    /// Reads an identity key from this device's own session record: the binding was verified when
    /// the key first entered the record, and the record is stored authenticated (the profile
    /// encrypts it with an AEAD), so re-verifying it on every load would only cost two Ed25519
    /// checks (~0.4 ms) per encrypt and per decrypt. Lengths are still checked.
    /// </summary>
    internal static IdentityKey DeserializeFromOwnRecord(ReadOnlySpan<byte> serialized)
    {
        if (serialized.Length != SerializedSize)
        {
            throw new InvalidKeyException($"A serialized identity key has {SerializedSize} bytes.");
        }

        return new IdentityKey(serialized[..32], serialized[32..64], serialized[64..], verifyBinding: false);
    }

    /// <summary>The identity of this device's own key pair, whose binding it has just signed itself; lengths are still checked.</summary>
    internal static IdentityKey FromOwnBinding(ReadOnlySpan<byte> signingKey, ReadOnlySpan<byte> agreementKey, ReadOnlySpan<byte> bindingSignature) =>
        new(signingKey, agreementKey, bindingSignature, verifyBinding: false);

    /// <summary>True when <paramref name="signature"/> is this identity's Ed25519 signature over <paramref name="message"/>.</summary>
    public bool VerifySignature(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature) => Ed25519.Verify(_signingKey, message, signature);

    /// <summary>Signing key || agreement key || binding signature (128 bytes).</summary>
    public byte[] Serialize() => [.. _signingKey, .. _agreementKey, .. _bindingSignature];

    /// <summary>
    /// Encode(IK) of the associated data AD = Encode(IKA) || Encode(IKB) (PQXDH §3.3): both public keys
    /// with their type bytes, 66 bytes. The binding signature is left out: it is not part of the identity.
    /// </summary>
    internal byte[] EncodeForAssociatedData() => [KeyEncoding.Ed25519Type, .. _signingKey, .. KeyEncoding.EncodeEC(_agreementKey)];

    /// <summary>Two identity keys are equal when both public keys are (the binding signature is deterministic anyway).</summary>
    public bool Equals(IdentityKey? other) =>
        other is not null && _signingKey.AsSpan().SequenceEqual(other._signingKey) && _agreementKey.AsSpan().SequenceEqual(other._agreementKey);

    public override bool Equals(object? obj) => Equals(obj as IdentityKey);

    public override int GetHashCode() => BitConverter.ToInt32(_signingKey, 0);
}
