using System.Security.Cryptography;
using XChat.Grains.Conversations;
using XChat.Grains.Storage;

namespace XChat.Grains.Tests.Storage;

/// <summary>Builds messages with random opaque ciphertexts and compares them field by field.</summary>
internal static class TestMessages
{
    public static StoredMessage Create(string conversationId, long seq, string userId = "alice", uint deviceId = 1, string? clientId = null) => new(
        conversationId,
        seq,
        new DeviceAddress(userId, deviceId),
        clientId ?? $"client-{seq}",
        ServerTimestampMs: 1_700_000_000_000 + seq,
        SharedCiphertext: RandomNumberGenerator.GetBytes(48),
        DeviceCiphertexts: [new DeviceCiphertext("bob", 1, RandomNumberGenerator.GetBytes(32)), new DeviceCiphertext("bob", 2, RandomNumberGenerator.GetBytes(40))]);

    public static StoredMessage[] Range(string conversationId, long firstSeq, int count, string userId = "alice", uint deviceId = 1) =>
        Enumerable.Range(0, count).Select(i => Create(conversationId, firstSeq + i, userId, deviceId)).ToArray();

    public static void AssertSame(StoredMessage expected, StoredMessage actual)
    {
        Assert.Equal(expected.ConversationId, actual.ConversationId);
        Assert.Equal(expected.Seq, actual.Seq);
        Assert.Equal(expected.Sender, actual.Sender);
        Assert.Equal(expected.ClientMessageId, actual.ClientMessageId);
        Assert.Equal(expected.ServerTimestampMs, actual.ServerTimestampMs);
        Assert.Equal(expected.Silent, actual.Silent);
        Assert.Equal(expected.Quiet, actual.Quiet);
        Assert.Equal(expected.SharedCiphertext, actual.SharedCiphertext);
        Assert.Equal(expected.DeviceCiphertexts.Count, actual.DeviceCiphertexts.Count);
        for (var i = 0; i < expected.DeviceCiphertexts.Count; i++)
        {
            Assert.Equal(expected.DeviceCiphertexts[i].UserId, actual.DeviceCiphertexts[i].UserId);
            Assert.Equal(expected.DeviceCiphertexts[i].DeviceId, actual.DeviceCiphertexts[i].DeviceId);
            Assert.Equal(expected.DeviceCiphertexts[i].Ciphertext, actual.DeviceCiphertexts[i].Ciphertext);
        }
    }
}
