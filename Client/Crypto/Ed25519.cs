// Ed25519 signatures: RFC 8032, "Edwards-Curve Digital Signature Algorithm (EdDSA)", §5.1
// (pure Ed25519, no context, no prehash). The private key is the 32-byte seed of §5.1.5.
// Two implementations: OpenSSL's libcrypto (OpenSslEvp) when it loads and passes the RFC 8032 §7.1
// self-test, BouncyCastle's otherwise. Both accept and reject the same encodings (see Verify).
using System.Buffers.Binary;
using System.Security.Cryptography;
using Rfc8032 = Org.BouncyCastle.Math.EC.Rfc8032;

namespace XChat.Client.Crypto;

/// <summary>Ed25519 key generation, signing and verification (RFC 8032).</summary>
public static class Ed25519
{
    public const int PrivateKeySize = 32;
    public const int PublicKeySize = 32;
    public const int SignatureSize = 64;

    /// <summary>BouncyCastle's Ed25519, available everywhere.</summary>
    internal static IEd25519Backend Portable { get; } = new PortableBackend();

    /// <summary>OpenSSL's Ed25519, or null when libcrypto is missing or failed the self-test.</summary>
    internal static IEd25519Backend? OpenSsl { get; } = OpenSslBackend.TryCreate(OpenSslEvp.PkeyEd25519);

    /// <summary>The implementation every public method uses: OpenSSL when available, else BouncyCastle.</summary>
    internal static IEd25519Backend Active { get; } = OpenSsl ?? Portable;

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
        Active.GetPublicKey(privateKey, publicKey);
        return publicKey;
    }

    /// <summary>Signs a message; the signature is 64 bytes and deterministic.</summary>
    public static byte[] Sign(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> message)
    {
        Requires.Length(privateKey, PrivateKeySize, nameof(privateKey));
        var signature = new byte[SignatureSize];
        Active.Sign(privateKey, message, signature);
        return signature;
    }

    /// <summary>
    /// Signs with a key pair whose public key is already known, saving the scalar multiplication that
    /// derives it from the private key (half the cost of signing) where the implementation allows it
    /// (BouncyCastle; OpenSSL's raw-key interface always derives it). <paramref name="publicKey"/> must be
    /// the private key's own, from a pair generated or stored together: the signature commits to it,
    /// and two signatures of one message under different public keys would reveal the private key.
    /// </summary>
    public static byte[] Sign(Ed25519KeyPair keyPair, ReadOnlySpan<byte> message)
    {
        ArgumentNullException.ThrowIfNull(keyPair);
        Requires.Length(keyPair.PrivateKey, PrivateKeySize, nameof(keyPair));
        Requires.Length(keyPair.PublicKey, PublicKeySize, nameof(keyPair));
        var signature = new byte[SignatureSize];
        Active.Sign(keyPair.PrivateKey, keyPair.PublicKey, message, signature);
        return signature;
    }

    /// <summary>
    /// True when the signature is valid for the message under the public key. A signature of the
    /// wrong length is a failed verification (it came from the peer); a public key of the wrong
    /// length is a caller bug and throws. Non-canonical encodings (R or A with y ≥ p, S ≥ L) and
    /// public keys of small order are rejected by both implementations.
    /// </summary>
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        Requires.Length(publicKey, PublicKeySize, nameof(publicKey));
        if (signature.Length != SignatureSize)
        {
            return false;
        }

        return Active.Verify(publicKey, message, signature);
    }

    /// <summary>An Ed25519 implementation. Lengths are checked by the callers.</summary>
    internal interface IEd25519Backend
    {
        string Name { get; }

        void GetPublicKey(ReadOnlySpan<byte> privateKey, Span<byte> publicKey);

        void Sign(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> message, Span<byte> signature);

        /// <summary>Signs where <paramref name="publicKey"/> is the private key's own (see <see cref="Ed25519.Sign(Ed25519KeyPair, ReadOnlySpan{byte})"/>).</summary>
        void Sign(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, Span<byte> signature);

        /// <summary>A 32-byte public key and a 64-byte signature.</summary>
        bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature);
    }

    private sealed class PortableBackend : IEd25519Backend
    {
        public string Name => "BouncyCastle";

        public void GetPublicKey(ReadOnlySpan<byte> privateKey, Span<byte> publicKey)
        {
            var sk = privateKey.ToArray();
            var pk = new byte[PublicKeySize];
            try
            {
                Rfc8032.Ed25519.GeneratePublicKey(sk, 0, pk, 0);
                pk.CopyTo(publicKey);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(sk);
            }
        }

        public void Sign(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> message, Span<byte> signature)
        {
            var sk = privateKey.ToArray();
            var sig = new byte[SignatureSize];
            try
            {
                Rfc8032.Ed25519.Sign(sk, 0, message.ToArray(), 0, message.Length, sig, 0);
                sig.CopyTo(signature);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(sk);
            }
        }

        public void Sign(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, Span<byte> signature)
        {
            var sk = privateKey.ToArray();
            var sig = new byte[SignatureSize];
            try
            {
                Rfc8032.Ed25519.Sign(sk, 0, publicKey.ToArray(), 0, message.ToArray(), 0, message.Length, sig, 0);
                sig.CopyTo(signature);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(sk);
            }
        }

        // BouncyCastle rejects non-canonical encodings, public keys of small order and points not on
        // the curve by returning false.
        public bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature) =>
            Rfc8032.Ed25519.Verify(signature.ToArray(), 0, publicKey.ToArray(), 0, message.ToArray(), 0, message.Length);
    }

    /// <summary>OpenSSL's Ed25519 through the EVP interface; <c>type</c> is the EVP_PKEY type (NID) to use.</summary>
    internal sealed class OpenSslBackend : IEd25519Backend
    {
        // RFC 8032 §7.1 TEST 2: secret key, public key, message, signature.
        private static readonly byte[] VectorSecret = Convert.FromHexString("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb");
        private static readonly byte[] VectorPublic = Convert.FromHexString("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c");
        private static readonly byte[] VectorMessage = [0x72];
        private static readonly byte[] VectorSignature = Convert.FromHexString(
            "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00");

        // The y-coordinates (little-endian) of the two pairs of points of order 8; with y = 0 (order 4),
        // y = 1 (the neutral element) and y = p - 1 (order 2) these are all the points of small order.
        private static readonly byte[] Order8Y1 = Convert.FromHexString("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05");
        private static readonly byte[] Order8Y2 = Convert.FromHexString("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a");

        // The group order L = 2^252 + 27742317777372353535851937790883648493, little-endian.
        private static readonly byte[] GroupOrder = Convert.FromHexString("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");

        private readonly int _type;

        private OpenSslBackend(int type) => _type = type;

        public string Name => "OpenSSL";

        /// <summary>
        /// The backend when libcrypto is available and reproduces RFC 8032 §7.1 TEST 2 (public key, signature,
        /// verification, and rejection of the signature with one bit changed); null otherwise.
        /// </summary>
        internal static OpenSslBackend? TryCreate(int type)
        {
            if (!OpenSslEvp.IsAvailable)
            {
                return null;
            }

            try
            {
                var backend = new OpenSslBackend(type);
                var publicKey = new byte[PublicKeySize];
                backend.GetPublicKey(VectorSecret, publicKey);
                var signature = new byte[SignatureSize];
                backend.Sign(VectorSecret, VectorMessage, signature);
                var ok = publicKey.AsSpan().SequenceEqual(VectorPublic)
                    && signature.AsSpan().SequenceEqual(VectorSignature)
                    && backend.Verify(VectorPublic, VectorMessage, VectorSignature);
                signature[0] ^= 1;
                ok = ok && !backend.Verify(VectorPublic, VectorMessage, signature);
                return ok ? backend : null;
            }
            catch (Exception e) when (e is CryptographicException or DllNotFoundException or EntryPointNotFoundException or System.Runtime.InteropServices.MarshalDirectiveException)
            {
                return null;
            }
        }

        public void GetPublicKey(ReadOnlySpan<byte> privateKey, Span<byte> publicKey)
        {
            var key = NewPrivateKey(privateKey);
            try
            {
                OpenSslEvp.GetRawPublicKey(key, publicKey);
            }
            finally
            {
                OpenSslEvp.Free(key);
            }
        }

        public void Sign(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> message, Span<byte> signature)
        {
            var key = NewPrivateKey(privateKey);
            try
            {
                OpenSslEvp.DigestSign(key, message, signature);
            }
            finally
            {
                OpenSslEvp.Free(key);
            }
        }

        // OpenSSL's raw private key derives its own public key: the given one is not used, so a
        // mismatched pair cannot produce a signature under the wrong key.
        public void Sign(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, Span<byte> signature) =>
            Sign(privateKey, message, signature);

        public bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
        {
            // OpenSSL checks S < L and compares R byte for byte (so a non-canonical R fails), but it reduces a
            // public key with y ≥ p and accepts keys of small order; BouncyCastle rejects both, and so does this.
            if (!IsAcceptedPublicKey(publicKey) || !IsCanonicalScalar(signature[32..]))
            {
                return false;
            }

            var key = OpenSslEvp.NewRawPublicKey(_type, publicKey);
            if (key == 0)
            {
                OpenSslEvp.Failure("EVP_PKEY_new_raw_public_key");
                return false;
            }

            try
            {
                return OpenSslEvp.DigestVerify(key, message, signature);
            }
            finally
            {
                OpenSslEvp.Free(key);
            }
        }

        /// <summary>
        /// False for an encoding BouncyCastle refuses as a public key: y (sign bit masked) non-canonical
        /// (≥ p), or the y of a point of small order (0, 1, p − 1, the two order-8 values).
        /// </summary>
        internal static bool IsAcceptedPublicKey(ReadOnlySpan<byte> publicKey)
        {
            Span<byte> y = stackalloc byte[PublicKeySize];
            publicKey.CopyTo(y);
            y[31] &= 0x7F;

            // p − 1 = 2^255 − 20 and everything above it: bytes 1..30 all 0xFF, byte 31 0x7F, byte 0 ≥ 0xEC.
            var topOnes = y[31] == 0x7F && !y[1..31].ContainsAnyExcept((byte)0xFF);
            if (topOnes && y[0] >= 0xEC)
            {
                return false;
            }

            var upperZero = !y[1..].ContainsAnyExcept((byte)0);
            if (upperZero && y[0] <= 1)
            {
                return false;
            }

            return !y.SequenceEqual(Order8Y1) && !y.SequenceEqual(Order8Y2);
        }

        /// <summary>True when the 32-byte little-endian scalar is below the group order L (RFC 8032 §5.1.7).</summary>
        internal static bool IsCanonicalScalar(ReadOnlySpan<byte> scalar)
        {
            for (var i = 3; i >= 0; i--)
            {
                var s = BinaryPrimitives.ReadUInt64LittleEndian(scalar[(i * 8)..]);
                var l = BinaryPrimitives.ReadUInt64LittleEndian(GroupOrder.AsSpan(i * 8));
                if (s != l)
                {
                    return s < l;
                }
            }

            return false;
        }

        private nint NewPrivateKey(ReadOnlySpan<byte> privateKey)
        {
            var key = OpenSslEvp.NewRawPrivateKey(_type, privateKey);
            return key != 0 ? key : throw OpenSslEvp.Failure("EVP_PKEY_new_raw_private_key");
        }
    }
}
