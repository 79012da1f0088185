using XChat.Grains.Conversations;
using XChat.Grains.Storage;

namespace XChat.Grains.Tests.Storage;

public class DeviceCiphertextCodecTests
{
    [Fact]
    public void Encode_SeveralEntries_RoundTrips()
    {
        DeviceCiphertext[] entries =
        [
            new("alice", 1, [1, 2, 3]),
            new("bøb/ünïcode", uint.MaxValue, new byte[70_000]),
            new("carol", 0, []),
        ];
        entries[1].Ciphertext.AsSpan().Fill(0xAB);

        var decoded = DeviceCiphertextCodec.Decode(DeviceCiphertextCodec.Encode(entries));

        Assert.Equal(entries.Length, decoded.Count);
        for (var i = 0; i < entries.Length; i++)
        {
            Assert.Equal(entries[i].UserId, decoded[i].UserId);
            Assert.Equal(entries[i].DeviceId, decoded[i].DeviceId);
            Assert.Equal(entries[i].Ciphertext, decoded[i].Ciphertext);
        }
    }

    [Fact]
    public void Encode_EmptyList_ReturnsNullAndNullDecodesToEmpty()
    {
        Assert.Null(DeviceCiphertextCodec.Encode([]));
        Assert.Empty(DeviceCiphertextCodec.Decode((byte[]?)null));
    }

    [Fact]
    public void Encode_OneEntry_HasDocumentedLayout()
    {
        var blob = DeviceCiphertextCodec.Encode([new DeviceCiphertext("ab", 258, [9])]);

        // version, count=1, userId len=2 "ab", device 258, ciphertext len=1, 9 — big-endian.
        Assert.Equal(new byte[] { 1, 0, 0, 0, 1, 0, 2, (byte)'a', (byte)'b', 0, 0, 1, 2, 0, 0, 0, 1, 9 }, blob);
    }

    [Fact]
    public void Decode_TruncatedBlob_ThrowsInvalidData()
    {
        var blob = DeviceCiphertextCodec.Encode([new DeviceCiphertext("alice", 1, [1, 2, 3, 4])])!;

        for (var length = 0; length < blob.Length; length++)
        {
            Assert.Throws<InvalidDataException>(() => DeviceCiphertextCodec.Decode(blob.AsSpan(0, length)));
        }
    }

    [Fact]
    public void Decode_TrailingBytesOrUnknownVersion_ThrowsInvalidData()
    {
        var blob = DeviceCiphertextCodec.Encode([new DeviceCiphertext("alice", 1, [1])])!;
        var trailing = blob.Append((byte)0).ToArray();
        var badVersion = (byte[])blob.Clone();
        badVersion[0] = 2;

        Assert.Throws<InvalidDataException>(() => DeviceCiphertextCodec.Decode(trailing));
        Assert.Throws<InvalidDataException>(() => DeviceCiphertextCodec.Decode(badVersion));
    }

    [Fact]
    public void Decode_HugeCount_ThrowsWithoutAllocating()
    {
        byte[] blob = [1, 0xFF, 0xFF, 0xFF, 0xFF];

        Assert.Throws<InvalidDataException>(() => DeviceCiphertextCodec.Decode(blob));
    }
}
