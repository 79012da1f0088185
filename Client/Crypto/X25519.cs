// X25519 key agreement: RFC 7748, "Elliptic Curves for Security", §5 (the X25519 function) and
// §6.1 (Diffie-Hellman). Keys are 32 bytes; the scalar is clamped inside the function.
using System.Security.Cryptography;
using Rfc7748 = Org.BouncyCastle.Math.EC.Rfc7748;

namespace XChat.Client.Crypto;

/// <summary>X25519 key generation and Diffie-Hellman agreement (RFC 7748).</summary>
public static class X25519
{
    public const int KeySize = 32;

    /// <summary>Generates a key pair from the operating system's CSPRNG.</summary>
    public static X25519KeyPair GenerateKeyPair()
    {
        // RFC 7748 §6.1: the private key is 32 random bytes; clamping happens in the X25519 function.
        var privateKey = RandomNumberGenerator.GetBytes(KeySize);
        return new X25519KeyPair(privateKey, GetPublicKey(privateKey));
    }

    /// <summary>Derives the public key X25519(k, 9) of a 32-byte private key.</summary>
    public static byte[] GetPublicKey(ReadOnlySpan<byte> privateKey)
    {
        Requires.Length(privateKey, KeySize, nameof(privateKey));
        var publicKey = new byte[KeySize];
        Rfc7748.X25519.GeneratePublicKey(privateKey.ToArray(), 0, publicKey, 0);
        return publicKey;
    }

    /// <summary>
    /// Computes the shared secret. False when the result is all zeros (the peer sent a
    /// low-order point, RFC 7748 §6.1), in which case the secret must not be used.
    /// </summary>
    public static bool TryAgree(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> peerPublicKey, out byte[] sharedSecret)
    {
        Requires.Length(privateKey, KeySize, nameof(privateKey));
        Requires.Length(peerPublicKey, KeySize, nameof(peerPublicKey));
        sharedSecret = new byte[KeySize];
        if (Rfc7748.X25519.CalculateAgreement(privateKey.ToArray(), 0, peerPublicKey.ToArray(), 0, sharedSecret, 0))
        {
            return true;
        }

        sharedSecret = [];
        return false;
    }
}
