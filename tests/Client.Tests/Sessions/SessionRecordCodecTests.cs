using XChat.Client.Crypto;
using XChat.Client.Keys;
using XChat.Client.Ratchet;

namespace XChat.Client.Tests.Sessions;

/// <summary>The session record's bytes are stored in profiles: the codec must write exactly the documented layout.</summary>
public sealed class SessionRecordCodecTests
{
    [Fact]
    public void Serialize_EveryFieldSet_WritesTheDocumentedLayout()
    {
        var local = IdentityKeyPair.Generate().PublicKey;
        var remote = IdentityKeyPair.Generate().PublicKey;
        var state = new SessionState
        {
            LocalIdentity = local,
            RemoteIdentity = remote,
            IsInitiator = true,
            BaseKey = Key(1),
            RootKey = Key(2),
            SendingRatchetKey = new X25519KeyPair(Key(3), Key(4)),
            SendingChainKey = Key(5),
            SendCounter = 7,
            PreviousSendCounter = 0x01020304,
            ReceivingRatchetKey = null,
            ReceivingChainKey = Key(6),
            ReceiveCounter = 9,
            PendingPreKey = new PendingPreKey(new SignedPreKeyId(11), new PreKeyId(12), new KyberPreKeyId(13), Enumerable.Repeat((byte)14, MlKem768.CiphertextSize).ToArray()),
        };
        state.PreviousReceivingChains.Add(new PreviousReceivingChain(Key(15), 16));
        state.SkippedKeys.Add(Key(17), 18, Key(19));
        var archived = state.Clone();
        archived.PendingPreKey = null;
        var record = new SessionRecord([state, archived]);

        // The oracle: the layout of SessionRecordCodec's remarks, written field by field with BinaryWriter.
        using var expected = new MemoryStream();
        using (var writer = new BinaryWriter(expected))
        {
            writer.Write((byte)1);
            writer.Write((byte)2);
            foreach (var pending in new[] { true, false })
            {
                writer.Write(local.Serialize());
                writer.Write(remote.Serialize());
                writer.Write(true);
                writer.Write(Key(1));
                writer.Write(Key(2));
                writer.Write(Key(3));
                writer.Write(Key(4));
                writer.Write(true);
                writer.Write(Key(5));
                writer.Write(7u);
                writer.Write(0x01020304u);
                writer.Write(false);
                writer.Write(true);
                writer.Write(Key(6));
                writer.Write(9u);
                writer.Write((byte)1);
                writer.Write(Key(15));
                writer.Write(16u);
                writer.Write(1);
                writer.Write(Key(17));
                writer.Write(18u);
                writer.Write(Key(19));
                writer.Write(pending);
                if (pending)
                {
                    writer.Write(11u);
                    writer.Write(true);
                    writer.Write(12u);
                    writer.Write(13u);
                    writer.Write(Enumerable.Repeat((byte)14, MlKem768.CiphertextSize).ToArray());
                }
            }
        }

        var bytes = record.Serialize();
        Assert.True(expected.ToArray().AsSpan().SequenceEqual(bytes), "the record must be written in the documented version 1 layout");
        Assert.Equal(bytes, SessionRecord.Deserialize(bytes).Serialize());
    }

    [Fact]
    public void Deserialize_Truncated_ThrowsInvalidData()
    {
        var state = new SessionState
        {
            LocalIdentity = IdentityKeyPair.Generate().PublicKey,
            RemoteIdentity = IdentityKeyPair.Generate().PublicKey,
            IsInitiator = false,
            BaseKey = Key(1),
            RootKey = Key(2),
            SendingRatchetKey = new X25519KeyPair(Key(3), Key(4)),
        };
        var bytes = new SessionRecord([state]).Serialize();

        for (var length = 0; length < bytes.Length; length += 7)
        {
            Assert.Throws<InvalidDataException>(() => SessionRecord.Deserialize(bytes.AsSpan(0, length)));
        }
    }

    private static byte[] Key(byte value) => Enumerable.Repeat(value, 32).ToArray();
}
