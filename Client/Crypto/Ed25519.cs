// Ed25519 signatures: RFC 8032, "Edwards-Curve Digital Signature Algorithm (EdDSA)", §5.1
// (pure Ed25519, no context, no prehash). The private key is the 32-byte seed of §5.1.5.
using System.Security.Cryptography;
using Rfc8032 = Org.BouncyCastle.Math.EC.Rfc8032;

namespace XChat.Client.Crypto;

/// <summary>Ed25519 key generation, signing and verification (RFC 8032).</summary>
public static class Ed25519
{
    public const int PrivateKeySize = 32;
    public const int PublicKeySize = 32;
    public const int SignatureSize = 64;

    /// <summary>Generates a key pair from the operating system's CSPRNG.</summary>
    public static Ed25519KeyPair GenerateKeyPair()
    {
        // RFC 8032 §5.1.5: the private key is 32 uniformly random bytes.
        var privateKey = RandomNumberGenerator.GetBytes(PrivateKeySize);
        return new Ed25519KeyPair(privateKey, GetPublicKey(privateKey));
    }

    /// <summary>Derives the public key of a 32-byte private key.</summary>
    public static byte[] GetPublicKey(ReadOnlySpan<byte> privateKey)
    {
        Requires.Length(privateKey, PrivateKeySize, nameof(privateKey));
        var publicKey = new byte[PublicKeySize];
        Rfc8032.Ed25519.GeneratePublicKey(privateKey.ToArray(), 0, publicKey, 0);
        return publicKey;
    }

    /// <summary>Signs a message; the signature is 64 bytes and deterministic.</summary>
    public static byte[] Sign(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> message)
    {
        Requires.Length(privateKey, PrivateKeySize, nameof(privateKey));
        var signature = new byte[SignatureSize];
        var sk = privateKey.ToArray();
        try
        {
            Rfc8032.Ed25519.Sign(sk, 0, message.ToArray(), 0, message.Length, signature, 0);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(sk);
        }

        return signature;
    }

    /// <summary>
    /// Signs with a key pair whose public key is already known, saving the scalar multiplication that
    /// derives it from the private key (half the cost of signing). <paramref name="publicKey"/> must be
    /// the private key's own, from a pair generated or stored together: the signature commits to it,
    /// and two signatures of one message under different public keys would reveal the private key.
    /// </summary>
    public static byte[] Sign(Ed25519KeyPair keyPair, ReadOnlySpan<byte> message)
    {
        ArgumentNullException.ThrowIfNull(keyPair);
        Requires.Length(keyPair.PrivateKey, PrivateKeySize, nameof(keyPair));
        Requires.Length(keyPair.PublicKey, PublicKeySize, nameof(keyPair));
        var signature = new byte[SignatureSize];
        Rfc8032.Ed25519.Sign(keyPair.PrivateKey, 0, keyPair.PublicKey, 0, message.ToArray(), 0, message.Length, signature, 0);
        return signature;
    }

    /// <summary>
    /// True when the signature is valid for the message under the public key. A signature of the
    /// wrong length is a failed verification (it came from the peer); a public key of the wrong
    /// length is a caller bug and throws.
    /// </summary>
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        Requires.Length(publicKey, PublicKeySize, nameof(publicKey));
        if (signature.Length != SignatureSize)
        {
            return false;
        }

        // BouncyCastle rejects non-canonical encodings and points not on the curve by returning false.
        return Rfc8032.Ed25519.Verify(signature.ToArray(), 0, publicKey.ToArray(), 0, message.ToArray(), 0, message.Length);
    }
}
