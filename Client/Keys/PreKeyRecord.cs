using XChat.Client.Crypto;

namespace XChat.Client.Keys;

/// <summary>A one-time X25519 prekey (OPK): uploaded in batches, used by one initial message, then deleted.</summary>
public sealed record PreKeyRecord(PreKeyId Id, X25519KeyPair KeyPair)
{
    /// <summary>Generates <paramref name="count"/> prekeys with consecutive ids from <paramref name="firstId"/> (wrapping at 2^32).</summary>
    public static IReadOnlyList<PreKeyRecord> GenerateBatch(PreKeyId firstId, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var batch = new PreKeyRecord[count];
        for (var i = 0; i < count; i++)
        {
            batch[i] = new PreKeyRecord(new PreKeyId(unchecked(firstId.Value + (uint)i)), X25519.GenerateKeyPair());
        }

        return batch;
    }
}
