using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace XChat.Client.Crypto;

/// <summary>
/// An X25519 key pair: the 32-byte private scalar and the 32-byte public u-coordinate.
/// On the OpenSSL backend the pair also holds the private key imported into libcrypto (created on the
/// first agreement, or by <see cref="X25519.GenerateKeyPair"/>), so that later agreements with the same
/// pair skip the import, which recomputes the public key. That native key is a SafeHandle: it is freed,
/// and its copy of the private key cleared, by <see cref="ClearPrivateKey"/> or when the pair is collected.
/// Equality is that of the two arrays (by reference), as for any record of arrays; the native key is not
/// part of it, and <c>with</c> does not copy it.
/// </summary>
public sealed record X25519KeyPair(byte[] PrivateKey, byte[] PublicKey)
{
    /// <summary>The OpenSSL key imported from <see cref="PrivateKey"/>, or null; owned by X25519's OpenSSL backend.</summary>
    internal OpenSslEvp.PrivateKeyHandle? NativeKey;

    private X25519KeyPair(X25519KeyPair original)
    {
        PrivateKey = original.PrivateKey;
        PublicKey = original.PublicKey;
    }

    public bool Equals(X25519KeyPair? other) =>
        ReferenceEquals(this, other)
        || (other is not null && ReferenceEquals(PrivateKey, other.PrivateKey) && ReferenceEquals(PublicKey, other.PublicKey));

    public override int GetHashCode() => HashCode.Combine(RuntimeHelpers.GetHashCode(PrivateKey), RuntimeHelpers.GetHashCode(PublicKey));

    /// <summary>Overwrites the private key with zeros and frees the imported native copy, if any.</summary>
    internal void ClearPrivateKey()
    {
        CryptographicOperations.ZeroMemory(PrivateKey);
        Interlocked.Exchange(ref NativeKey, null)?.Dispose();
    }
}
