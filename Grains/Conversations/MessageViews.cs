using XChat.Grains.Connections;
using XChat.Grains.Storage;

namespace XChat.Grains.Conversations;

/// <summary>Cuts a stored message down to what one device or one user may receive.</summary>
internal static class MessageViews
{
    public static MessageEnvelope ForDevice(StoredMessage row, DeviceAddress reader) =>
        new(row.ConversationId, row.Seq, row.Sender, row.ClientMessageId, row.ServerTimestampMs, row.SharedCiphertext,
            row.DeviceCiphertexts.FirstOrDefault(c => c.UserId == reader.UserId && c.DeviceId == reader.DeviceId)?.Ciphertext,
            row.DeletedMs is not null);

    /// <summary>The push for one user: the shared ciphertext and that user's per-device ciphertexts only.</summary>
    public static PushedMessage ForUser(StoredMessage row, string userId) =>
        new(new MessageEnvelope(row.ConversationId, row.Seq, row.Sender, row.ClientMessageId, row.ServerTimestampMs, row.SharedCiphertext, null),
            row.DeviceCiphertexts.Where(c => c.UserId == userId).ToArray());
}
