// X25519 key agreement: RFC 7748, "Elliptic Curves for Security", §5 (the X25519 function) and
// §6.1 (Diffie-Hellman). Keys are 32 bytes; the scalar is clamped inside the function.
// Two implementations: OpenSSL's libcrypto (OpenSslEvp) when it loads and passes the RFC 7748 §6.1
// self-test, BouncyCastle's otherwise. Both reject an all-zero shared secret (§6.1).
using System.Security.Cryptography;
using Rfc7748 = Org.BouncyCastle.Math.EC.Rfc7748;

namespace XChat.Client.Crypto;

/// <summary>X25519 key generation and Diffie-Hellman agreement (RFC 7748).</summary>
public static class X25519
{
    public const int KeySize = 32;

    /// <summary>BouncyCastle's X25519, available everywhere.</summary>
    internal static IX25519Backend Portable { get; } = new PortableBackend();

    /// <summary>OpenSSL's X25519, or null when libcrypto is missing or failed the self-test.</summary>
    internal static IX25519Backend? OpenSsl { get; } = OpenSslBackend.TryCreate(OpenSslEvp.PkeyX25519);

    /// <summary>The implementation every public method uses: OpenSSL when available, else BouncyCastle.</summary>
    internal static IX25519Backend Active { get; } = OpenSsl ?? Portable;

    /// <summary>Generates a key pair from the operating system's CSPRNG.</summary>
    public static X25519KeyPair GenerateKeyPair()
    {
        // RFC 7748 §6.1: the private key is 32 random bytes; clamping happens in the X25519 function.
        // On OpenSSL the pair keeps the key imported to derive its public key, for its agreements.
        return Active.CreateKeyPair(RandomNumberGenerator.GetBytes(KeySize));
    }

    /// <summary>Derives the public key X25519(k, 9) of a 32-byte private key.</summary>
    public static byte[] GetPublicKey(ReadOnlySpan<byte> privateKey)
    {
        Requires.Length(privateKey, KeySize, nameof(privateKey));
        var publicKey = new byte[KeySize];
        Active.GetPublicKey(privateKey, publicKey);
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
        if (Active.TryAgree(privateKey, peerPublicKey, sharedSecret))
        {
            return true;
        }

        sharedSecret = [];
        return false;
    }

    /// <summary>
    /// Computes the shared secret with the private key of <paramref name="keyPair"/>, as
    /// <see cref="TryAgree(ReadOnlySpan{byte}, ReadOnlySpan{byte}, out byte[])"/>. Prefer this overload for
    /// a key pair used more than once: on OpenSSL the pair keeps its imported private key between calls.
    /// </summary>
    public static bool TryAgree(X25519KeyPair keyPair, ReadOnlySpan<byte> peerPublicKey, out byte[] sharedSecret)
    {
        ArgumentNullException.ThrowIfNull(keyPair);
        Requires.Length(keyPair.PrivateKey, KeySize, nameof(keyPair));
        Requires.Length(peerPublicKey, KeySize, nameof(peerPublicKey));
        sharedSecret = new byte[KeySize];
        if (Active.TryAgree(keyPair, peerPublicKey, sharedSecret))
        {
            return true;
        }

        sharedSecret = [];
        return false;
    }

    /// <summary>An X25519 implementation. Lengths are checked by the callers (32 bytes each).</summary>
    internal interface IX25519Backend
    {
        string Name { get; }

        /// <summary>Writes X25519(k, 9) of <paramref name="privateKey"/> to <paramref name="publicKey"/>.</summary>
        void GetPublicKey(ReadOnlySpan<byte> privateKey, Span<byte> publicKey);

        /// <summary>The pair of <paramref name="privateKey"/> (which it takes, not copies).</summary>
        X25519KeyPair CreateKeyPair(byte[] privateKey);

        /// <summary>Writes the shared secret; false (and <paramref name="sharedSecret"/> cleared) when it is all zeros.</summary>
        bool TryAgree(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> peerPublicKey, Span<byte> sharedSecret);

        /// <summary>As the other overload, with the private key of <paramref name="keyPair"/>.</summary>
        bool TryAgree(X25519KeyPair keyPair, ReadOnlySpan<byte> peerPublicKey, Span<byte> sharedSecret);
    }

    private sealed class PortableBackend : IX25519Backend
    {
        public string Name => "BouncyCastle";

        public void GetPublicKey(ReadOnlySpan<byte> privateKey, Span<byte> publicKey)
        {
            var sk = privateKey.ToArray();
            var pk = new byte[KeySize];
            try
            {
                Rfc7748.X25519.GeneratePublicKey(sk, 0, pk, 0);
                pk.CopyTo(publicKey);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(sk);
            }
        }

        public X25519KeyPair CreateKeyPair(byte[] privateKey)
        {
            var publicKey = new byte[KeySize];
            Rfc7748.X25519.GeneratePublicKey(privateKey, 0, publicKey, 0);
            return new X25519KeyPair(privateKey, publicKey);
        }

        public bool TryAgree(X25519KeyPair keyPair, ReadOnlySpan<byte> peerPublicKey, Span<byte> sharedSecret) =>
            TryAgree(keyPair.PrivateKey, peerPublicKey, sharedSecret);

        public bool TryAgree(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> peerPublicKey, Span<byte> sharedSecret)
        {
            var sk = privateKey.ToArray();
            var secret = new byte[KeySize];
            try
            {
                // BouncyCastle returns false when the result is all zeros (RFC 7748 §6.1).
                if (!Rfc7748.X25519.CalculateAgreement(sk, 0, peerPublicKey.ToArray(), 0, secret, 0))
                {
                    sharedSecret.Clear();
                    return false;
                }

                secret.CopyTo(sharedSecret);
                return true;
            }
            finally
            {
                CryptographicOperations.ZeroMemory(sk);
                CryptographicOperations.ZeroMemory(secret);
            }
        }
    }

    /// <summary>OpenSSL's X25519 through the EVP interface; <c>type</c> is the EVP_PKEY type (NID) to use.</summary>
    internal sealed class OpenSslBackend : IX25519Backend
    {
        // RFC 7748 §6.1: Alice's private key, Bob's public key, Alice's public key and the shared secret.
        private static readonly byte[] VectorPrivate = Convert.FromHexString("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        private static readonly byte[] VectorPeer = Convert.FromHexString("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
        private static readonly byte[] VectorPublic = Convert.FromHexString("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
        private static readonly byte[] VectorShared = Convert.FromHexString("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");

        private readonly int _type;

        private OpenSslBackend(int type) => _type = type;

        public string Name => "OpenSSL";

        /// <summary>
        /// The backend when libcrypto is available and reproduces the RFC 7748 §6.1 vector (public key and
        /// shared secret) and rejects the all-zero secret of u = 0; null otherwise (wrong library, wrong
        /// <paramref name="type"/>, any failing call).
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
                var publicKey = new byte[KeySize];
                backend.GetPublicKey(VectorPrivate, publicKey);
                var shared = new byte[KeySize];
                var ok = publicKey.AsSpan().SequenceEqual(VectorPublic)
                    && backend.TryAgree(VectorPrivate, VectorPeer, shared)
                    && shared.AsSpan().SequenceEqual(VectorShared)
                    && !backend.TryAgree(VectorPrivate, new byte[KeySize], shared);
                return ok ? backend : null;
            }
            catch (Exception e) when (e is CryptographicException or DllNotFoundException or EntryPointNotFoundException or System.Runtime.InteropServices.MarshalDirectiveException)
            {
                return null;
            }
        }

        public void GetPublicKey(ReadOnlySpan<byte> privateKey, Span<byte> publicKey)
        {
            using var key = OpenSslEvp.ImportPrivateKey(_type, privateKey);
            OpenSslEvp.GetRawPublicKey(key, publicKey);
        }

        public X25519KeyPair CreateKeyPair(byte[] privateKey)
        {
            var key = OpenSslEvp.ImportPrivateKey(_type, privateKey);
            try
            {
                var publicKey = new byte[KeySize];
                OpenSslEvp.GetRawPublicKey(key, publicKey);
                return new X25519KeyPair(privateKey, publicKey) { NativeKey = key };
            }
            catch
            {
                key.Dispose();
                throw;
            }
        }

        public bool TryAgree(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> peerPublicKey, Span<byte> sharedSecret)
        {
            using var key = OpenSslEvp.ImportPrivateKey(_type, privateKey);
            return Agree(key, peerPublicKey, sharedSecret);
        }

        public bool TryAgree(X25519KeyPair keyPair, ReadOnlySpan<byte> peerPublicKey, Span<byte> sharedSecret)
        {
            // The pair's imported key, unless there is none yet or the pair's private key bytes have
            // changed since it was imported (cleared, or overwritten by a caller).
            var cached = Volatile.Read(ref keyPair.NativeKey);
            if (cached is not null && cached.Holds(keyPair.PrivateKey))
            {
                return Agree(cached, peerPublicKey, sharedSecret);
            }

            var fresh = OpenSslEvp.ImportPrivateKey(_type, keyPair.PrivateKey);
            var installed = ReferenceEquals(Interlocked.CompareExchange(ref keyPair.NativeKey, fresh, cached), cached);
            if (installed)
            {
                // A stale key no longer matches the pair: free it now rather than at finalization.
                cached?.Dispose();
            }

            try
            {
                return Agree(fresh, peerPublicKey, sharedSecret);
            }
            finally
            {
                if (!installed)
                {
                    // Another thread installed its own import first; this one served this call only.
                    fresh.Dispose();
                }
            }
        }

        private bool Agree(OpenSslEvp.PrivateKeyHandle key, ReadOnlySpan<byte> peerPublicKey, Span<byte> sharedSecret)
        {
            var peer = OpenSslEvp.NewRawPublicKey(_type, peerPublicKey);
            if (peer == 0)
            {
                throw OpenSslEvp.Failure("EVP_PKEY_new_raw_public_key");
            }

            try
            {
                // OpenSSL fails the derivation when the result is all zeros (RFC 7748 §6.1); the check
                // below is the same rule for a libcrypto that would not.
                if (!OpenSslEvp.TryDerive(key, peer, sharedSecret) || IsZero(sharedSecret))
                {
                    sharedSecret.Clear();
                    return false;
                }

                return true;
            }
            finally
            {
                OpenSslEvp.Free(peer);
            }
        }

        private static bool IsZero(ReadOnlySpan<byte> value)
        {
            var acc = 0;
            foreach (var b in value)
            {
                acc |= b;
            }

            return acc == 0;
        }
    }
}
