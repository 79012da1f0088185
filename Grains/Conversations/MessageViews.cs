using XChat.Grains.Connections;
using XChat.Grains.Storage;

namespace XChat.Grains.Conversations;

/// <summary>Cuts a stored message down to what one device or one user may receive.</summary>
internal static class MessageViews
{
    /// <summary>
    /// The envelope for one device. A message past its expiry reads as erased even before the sweep
    /// reached its row, so no reader ever gets the ciphertext of an expired message.
    /// </summary>
    public static MessageEnvelope ForDevice(StoredMessage row, DeviceAddress reader, long nowMs)
    {
        var erased = row.IsErased || row.ExpiresAtMs <= nowMs;
        return new(row.ConversationId, row.Seq, row.Sender, row.ClientMessageId, row.ServerTimestampMs,
            erased ? null : row.SharedCiphertext,
            erased ? null : row.DeviceCiphertexts.FirstOrDefault(c => c.UserId == reader.UserId && c.DeviceId == reader.DeviceId)?.Ciphertext,
            row.DeletedMs is not null)
        {
            ExpiresAtMs = row.ExpiresAtMs,
            Erased = erased,
            Silent = row.Silent,
        };
    }

    /// <summary>The push for one user: the shared ciphertext and that user's per-device ciphertexts only.</summary>
    public static PushedMessage ForUser(StoredMessage row, string userId) =>
        new(new MessageEnvelope(row.ConversationId, row.Seq, row.Sender, row.ClientMessageId, row.ServerTimestampMs, row.SharedCiphertext, null)
            {
                ExpiresAtMs = row.ExpiresAtMs,
                Silent = row.Silent,
            },
            row.DeviceCiphertexts.Where(c => c.UserId == userId).ToArray());
}
