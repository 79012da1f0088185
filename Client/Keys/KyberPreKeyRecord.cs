using PreKeySigningInput = XChat.Protocol.PreKeySigningInput;
using XChat.Client.Crypto;

namespace XChat.Client.Keys;

/// <summary>
/// An ML-KEM-768 prekey signed by the identity key, Sig(IK, "xchat-kem-prekey-v1" || PQPK) (PQXDH §3.2, in the server's format): a one-time
/// key (PQOPK), deleted after one use, or the last-resort key (PQSPK) used when the server has no
/// one-time key left.
/// </summary>
public sealed record KyberPreKeyRecord(KyberPreKeyId Id, MlKem768KeyPair KeyPair, byte[] Signature, DateTimeOffset CreatedAt, bool IsLastResort)
{
    /// <summary>Generates a key pair and signs its public key with the identity key.</summary>
    public static KyberPreKeyRecord Generate(IdentityKeyPair identity, KyberPreKeyId id, bool isLastResort, DateTimeOffset createdAt)
    {
        ArgumentNullException.ThrowIfNull(identity);
        var keyPair = MlKem768.GenerateKeyPair();
        return new KyberPreKeyRecord(id, keyPair, identity.Sign(PreKeySigningInput.KemPreKey(keyPair.PublicKey)), createdAt, isLastResort);
    }

    /// <summary>Generates <paramref name="count"/> one-time KEM prekeys with consecutive ids from <paramref name="firstId"/>.</summary>
    public static IReadOnlyList<KyberPreKeyRecord> GenerateOneTimeBatch(IdentityKeyPair identity, KyberPreKeyId firstId, int count, DateTimeOffset createdAt)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var batch = new KyberPreKeyRecord[count];
        for (var i = 0; i < count; i++)
        {
            batch[i] = Generate(identity, new KyberPreKeyId(unchecked(firstId.Value + (uint)i)), isLastResort: false, createdAt);
        }

        return batch;
    }
}
