using XChat.Client.Crypto;
using XChat.Client.Keys;

namespace XChat.Client.Storage;

/// <summary>
/// Binary encodings of the identity key pair and the prekey records, as stored (encrypted) in a
/// profile. Version byte first; little-endian integers; times as Unix milliseconds.
/// </summary>
/// <remarks>
/// identity = version || Ed25519 private (32) || public (32) || X25519 private (32) || public (32)
/// prekey   = version || id (4) || X25519 private (32) || public (32)
/// signed   = version || id (4) || X25519 private (32) || public (32) || signature (64) || created (8)
/// kyber    = version || id (4) || last resort (1) || created (8) || ML-KEM dk (2400) || ek (1184) || signature (64)
/// </remarks>
internal static class KeyRecordCodec
{
    public const byte Version = 1;

    public static byte[] Write(IdentityKeyPair pair) => Write(w =>
    {
        w.Write(pair.Signing.PrivateKey);
        w.Write(pair.Signing.PublicKey);
        w.Write(pair.Agreement.PrivateKey);
        w.Write(pair.Agreement.PublicKey);
    });

    public static IdentityKeyPair ReadIdentityKeyPair(byte[] bytes) => Read(bytes, r => new IdentityKeyPair(
        new Ed25519KeyPair(Bytes(r, Ed25519.PrivateKeySize), Bytes(r, Ed25519.PublicKeySize)),
        new X25519KeyPair(Bytes(r, X25519.KeySize), Bytes(r, X25519.KeySize))));

    public static byte[] Write(PreKeyRecord record) => Write(w =>
    {
        w.Write(record.Id.Value);
        WriteX25519(w, record.KeyPair);
    });

    public static PreKeyRecord ReadPreKey(byte[] bytes) => Read(bytes, r => new PreKeyRecord(new PreKeyId(r.ReadUInt32()), ReadX25519(r)));

    public static byte[] Write(SignedPreKeyRecord record) => Write(w =>
    {
        w.Write(record.Id.Value);
        WriteX25519(w, record.KeyPair);
        w.Write(record.Signature);
        w.Write(record.CreatedAt.ToUnixTimeMilliseconds());
    });

    public static SignedPreKeyRecord ReadSignedPreKey(byte[] bytes) => Read(bytes, r => new SignedPreKeyRecord(
        new SignedPreKeyId(r.ReadUInt32()), ReadX25519(r), Bytes(r, Ed25519.SignatureSize), DateTimeOffset.FromUnixTimeMilliseconds(r.ReadInt64())));

    public static byte[] Write(KyberPreKeyRecord record) => Write(w =>
    {
        w.Write(record.Id.Value);
        w.Write(record.IsLastResort);
        w.Write(record.CreatedAt.ToUnixTimeMilliseconds());
        w.Write(record.KeyPair.PrivateKey);
        w.Write(record.KeyPair.PublicKey);
        w.Write(record.Signature);
    });

    public static KyberPreKeyRecord ReadKyberPreKey(byte[] bytes) => Read(bytes, r =>
    {
        var id = new KyberPreKeyId(r.ReadUInt32());
        var isLastResort = r.ReadBoolean();
        var createdAt = DateTimeOffset.FromUnixTimeMilliseconds(r.ReadInt64());
        var keyPair = new MlKem768KeyPair(Bytes(r, MlKem768.PrivateKeySize), Bytes(r, MlKem768.PublicKeySize));
        return new KyberPreKeyRecord(id, keyPair, Bytes(r, Ed25519.SignatureSize), createdAt, isLastResort);
    });

    private static void WriteX25519(BinaryWriter writer, X25519KeyPair pair)
    {
        writer.Write(pair.PrivateKey);
        writer.Write(pair.PublicKey);
    }

    private static X25519KeyPair ReadX25519(BinaryReader reader) => new(Bytes(reader, X25519.KeySize), Bytes(reader, X25519.KeySize));

    private static byte[] Write(Action<BinaryWriter> body)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream))
        {
            writer.Write(Version);
            body(writer);
        }

        return stream.ToArray();
    }

    private static T Read<T>(byte[] bytes, Func<BinaryReader, T> body)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes));
        try
        {
            if (reader.ReadByte() != Version)
            {
                throw new ProfileCorruptException("Unsupported key record version.");
            }

            var value = body(reader);
            if (reader.BaseStream.Position != reader.BaseStream.Length)
            {
                throw new ProfileCorruptException("The key record has trailing bytes.");
            }

            return value;
        }
        catch (Exception e) when (e is EndOfStreamException or Errors.InvalidKeyException or ArgumentException)
        {
            throw new ProfileCorruptException("The key record is corrupt.", e);
        }
    }

    private static byte[] Bytes(BinaryReader reader, int count)
    {
        var bytes = reader.ReadBytes(count);
        return bytes.Length == count ? bytes : throw new EndOfStreamException();
    }
}
