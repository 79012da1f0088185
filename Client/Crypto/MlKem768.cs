// ML-KEM-768: FIPS 203, "Module-Lattice-Based Key-Encapsulation Mechanism Standard" (August 2024),
// parameter set ML-KEM-768 (§8, Table 2 and 3): ek 1184 bytes, dk 2400 bytes, ciphertext 1088 bytes,
// shared secret 32 bytes. Key generation is Algorithm 19 (from the seed d || z of Algorithm 16),
// encapsulation Algorithm 20, decapsulation Algorithm 21 with implicit rejection.
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Kems;
using Org.BouncyCastle.Crypto.Parameters;

namespace XChat.Client.Crypto;

/// <summary>ML-KEM-768 key generation, encapsulation and decapsulation (FIPS 203).</summary>
public static class MlKem768
{
    public const int PublicKeySize = 1184;
    public const int PrivateKeySize = 2400;
    public const int CiphertextSize = 1088;
    public const int SharedSecretSize = 32;

    /// <summary>The key generation seed d || z: two 32-byte values (FIPS 203 Algorithm 19, lines 1-2).</summary>
    public const int SeedSize = 64;

    /// <summary>Generates a key pair from 64 bytes of the operating system's CSPRNG.</summary>
    public static MlKem768KeyPair GenerateKeyPair()
    {
        var seed = RandomNumberGenerator.GetBytes(SeedSize);
        try
        {
            return DeriveKeyPair(seed);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    /// <summary>
    /// FIPS 203 ML-KEM.KeyGen_internal(d, z) (Algorithm 16) with <paramref name="seed"/> = d || z.
    /// Deterministic: the same seed always gives the same key pair, which is what the ACVP vectors test.
    /// </summary>
    public static MlKem768KeyPair DeriveKeyPair(ReadOnlySpan<byte> seed)
    {
        Requires.Length(seed, SeedSize, nameof(seed));
        var seedCopy = seed.ToArray();
        try
        {
            var privateKey = MLKemPrivateKeyParameters.FromSeed(MLKemParameters.ml_kem_768, seedCopy, MLKemPrivateKeyParameters.Format.EncodingOnly);
            return new MlKem768KeyPair(privateKey.GetEncoded(), privateKey.GetPublicKeyEncoded());
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seedCopy);
        }
    }

    /// <summary>
    /// Encapsulates a fresh shared secret to <paramref name="publicKey"/>. Throws <see cref="ArgumentException"/>
    /// when the key fails the FIPS 203 §7.2 input checks (length, every coefficient below q), as the
    /// standard requires before use.
    /// </summary>
    public static MlKem768Encapsulation Encapsulate(ReadOnlySpan<byte> publicKey)
    {
        Requires.Length(publicKey, PublicKeySize, nameof(publicKey));
        MLKemPublicKeyParameters key;
        try
        {
            // BouncyCastle performs the §7.2 modulus check: ByteEncode12(ByteDecode12(ek)) must equal ek.
            key = MLKemPublicKeyParameters.FromEncoding(MLKemParameters.ml_kem_768, publicKey.ToArray());
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException("The ML-KEM-768 public key has a coefficient not reduced modulo q (FIPS 203 §7.2).", nameof(publicKey), e);
        }

        var encapsulator = new MLKemEncapsulator(MLKemParameters.ml_kem_768);
        encapsulator.Init(key);
        var ciphertext = new byte[CiphertextSize];
        var sharedSecret = new byte[SharedSecretSize];
        encapsulator.Encapsulate(ciphertext, sharedSecret);
        return new MlKem768Encapsulation(ciphertext, sharedSecret);
    }

    /// <summary>
    /// Recovers the shared secret from a ciphertext. A ciphertext that was altered does not fail: FIPS 203
    /// implicit rejection returns a pseudorandom secret the sender does not have, so the session's next
    /// authenticated step fails instead. A key or ciphertext of the wrong length, or a private key whose
    /// embedded H(ek) does not match (§7.3), throws <see cref="ArgumentException"/>.
    /// </summary>
    public static byte[] Decapsulate(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> ciphertext)
    {
        Requires.Length(privateKey, PrivateKeySize, nameof(privateKey));
        Requires.Length(ciphertext, CiphertextSize, nameof(ciphertext));
        var dk = privateKey.ToArray();
        try
        {
            MLKemPrivateKeyParameters key;
            try
            {
                // BouncyCastle performs the §7.3 hash check: dk embeds ek and H(ek), which must agree.
                key = MLKemPrivateKeyParameters.FromEncoding(MLKemParameters.ml_kem_768, dk);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException("The ML-KEM-768 private key is corrupt: its H(ek) does not match (FIPS 203 §7.3).", nameof(privateKey), e);
            }

            var decapsulator = new MLKemDecapsulator(MLKemParameters.ml_kem_768);
            decapsulator.Init(key);
            var sharedSecret = new byte[SharedSecretSize];
            decapsulator.Decapsulate(ciphertext, sharedSecret);
            return sharedSecret;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dk);
        }
    }
}
