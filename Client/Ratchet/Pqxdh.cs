// PQXDH: Ehren Kret and Rolfe Schmidt, "The PQXDH Key Agreement Protocol", revision 3
// (2024-01-23), with curve = X25519, hash = SHA-256, pqkem = ML-KEM-768 (FIPS 203),
// info = "XChat_PQXDH_X25519_SHA-256_ML-KEM-768" (it names the parameters, as revision 3 asks),
// EncodeEC / EncodeKEM as in KeyEncoding.
//   §3.3 Alice: verify the prekey signatures (the server's format, Protocol/PreKeySigningInput.cs); EKA fresh;
//        DH1 = DH(IKA, SPKB), DH2 = DH(EKA, IKB), DH3 = DH(EKA, SPKB), [DH4 = DH(EKA, OPKB)];
//        (CT, SS) = PQKEM-ENC(PQPKB); SK = KDF(DH1 || DH2 || DH3 || [DH4] || SS).
//   §3.4 Bob: the same values from his private keys and SS = PQKEM-DEC(PQPKB, CT).
//   §2.2 KDF(KM) = HKDF(IKM = F || KM, salt = 32 zero bytes, info), F = 32 0xFF bytes, 32 bytes out.
// Deviation: identity keys are an Ed25519 signing key plus a bound X25519 agreement key instead of
// one XEdDSA key (see IdentityKey); DH uses the X25519 key, Sig the Ed25519 key.
using PreKeySigningInput = XChat.Protocol.PreKeySigningInput;
using System.Security.Cryptography;
using XChat.Client.Crypto;
using XChat.Client.Errors;
using XChat.Client.Keys;

namespace XChat.Client.Ratchet;

/// <summary>The PQXDH key agreement, both sides.</summary>
internal static class Pqxdh
{
    public const int SharedKeySize = 32;

    private static ReadOnlySpan<byte> Info => "XChat_PQXDH_X25519_SHA-256_ML-KEM-768"u8;

    /// <summary>Alice's side (§3.3): verifies the bundle and derives SK, EKA and CT.</summary>
    public static PqxdhInitiation Initiate(IdentityKeyPair alice, PreKeyBundle bundle)
    {
        Validate(bundle);
        var bob = bundle.IdentityKey;
        if (!bob.VerifySignature(PreKeySigningInput.SignedPreKey(bundle.SignedPreKey), bundle.SignedPreKeySignature))
        {
            throw new InvalidKeyException("The signed prekey's signature does not verify.");
        }

        if (!bob.VerifySignature(PreKeySigningInput.KemPreKey(bundle.KyberPreKey), bundle.KyberPreKeySignature))
        {
            throw new InvalidKeyException("The KEM prekey's signature does not verify.");
        }

        var ephemeral = X25519.GenerateKeyPair();
        var secrets = new List<byte[]>
        {
            Agree(alice.Agreement, bundle.SignedPreKey),
            Agree(ephemeral, bob.AgreementKey),
            Agree(ephemeral, bundle.SignedPreKey),
        };
        if (bundle.PreKey is { } preKey)
        {
            secrets.Add(Agree(ephemeral, preKey));
        }

        MlKem768Encapsulation encapsulation;
        try
        {
            encapsulation = MlKem768.Encapsulate(bundle.KyberPreKey);
        }
        catch (ArgumentException e)
        {
            throw new InvalidKeyException("The KEM prekey is malformed.", e);
        }

        secrets.Add(encapsulation.SharedSecret);
        var sharedKey = Kdf(secrets);

        // §3.3: Alice deletes her ephemeral private key and the DH outputs.
        ephemeral.ClearPrivateKey();
        return new PqxdhInitiation(sharedKey, ephemeral.PublicKey, encapsulation.Ciphertext);
    }

    /// <summary>Bob's side (§3.4): SK from his prekeys and Alice's IKA, EKA and CT.</summary>
    public static byte[] Respond(IdentityKeyPair bob, SignedPreKeyRecord signedPreKey, PreKeyRecord? preKey, KyberPreKeyRecord kyberPreKey, IdentityKey alice, ReadOnlySpan<byte> baseKey, ReadOnlySpan<byte> kemCiphertext)
    {
        var secrets = new List<byte[]>
        {
            Agree(signedPreKey.KeyPair, alice.AgreementKey),
            Agree(bob.Agreement, baseKey),
            Agree(signedPreKey.KeyPair, baseKey),
        };
        if (preKey is not null)
        {
            secrets.Add(Agree(preKey.KeyPair, baseKey));
        }

        // A changed CT does not throw: ML-KEM's implicit rejection yields a secret Alice does not
        // have, and the first message then fails authentication.
        secrets.Add(MlKem768.Decapsulate(kyberPreKey.KeyPair.PrivateKey, kemCiphertext));
        return Kdf(secrets);
    }

    private static byte[] Kdf(List<byte[]> secrets)
    {
        // IKM = F || DH1 || DH2 || DH3 || [DH4] || SS; F makes the input never a valid curve-key
        // encoding prefix (cryptographic domain separation from XEdDSA, §2.2).
        var inputLength = 32 + secrets.Sum(s => s.Length);
        var input = new byte[inputLength];
        input.AsSpan(0, 32).Fill(0xFF);
        var offset = 32;
        foreach (var secret in secrets)
        {
            secret.CopyTo(input, offset);
            offset += secret.Length;
            CryptographicOperations.ZeroMemory(secret);
        }

        try
        {
            // salt = 32 zero bytes, which RFC 5869 §2.2 defines as the same as no (empty) salt.
            return HkdfSha256.DeriveKey(input, salt: [], Info, SharedKeySize);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(input);
        }
    }

    private static byte[] Agree(X25519KeyPair keyPair, ReadOnlySpan<byte> peerPublicKey)
    {
        return X25519.TryAgree(keyPair, peerPublicKey, out var secret)
            ? secret
            : throw new InvalidKeyException("A PQXDH public key is a low-order point.");
    }

    private static void Validate(PreKeyBundle bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        if (bundle.SignedPreKey.Length != X25519.KeySize || bundle.KyberPreKey.Length != MlKem768.PublicKeySize)
        {
            throw new InvalidKeyException("A prekey in the bundle has the wrong length.");
        }

        if (bundle.PreKeyId.HasValue != bundle.PreKey is not null || bundle.PreKey is { Length: not X25519.KeySize })
        {
            throw new InvalidKeyException("The bundle's one-time prekey is incomplete or has the wrong length.");
        }
    }
}

/// <summary>Alice's PQXDH result: SK, her ephemeral public key EKA and the KEM ciphertext CT.</summary>
internal sealed record PqxdhInitiation(byte[] SharedKey, byte[] BaseKey, byte[] KemCiphertext);
