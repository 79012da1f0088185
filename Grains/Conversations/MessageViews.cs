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
            erased ? null : DeviceCiphertext.For(row.DeviceCiphertexts, reader),
            row.DeletedMs is not null)
        {
            ExpiresAtMs = row.ExpiresAtMs,
            Erased = erased,
            Silent = row.Silent,
        };
    }

    /// <summary>The push for one user: the shared ciphertext and that user's per-device ciphertexts only (none for a null user).</summary>
    public static PushedMessage ForUser(StoredMessage row, string? userId) =>
        new(new MessageEnvelope(row.ConversationId, row.Seq, row.Sender, row.ClientMessageId, row.ServerTimestampMs, row.SharedCiphertext, null)
            {
                ExpiresAtMs = row.ExpiresAtMs,
                Silent = row.Silent,
            },
            OfUser(row.DeviceCiphertexts, userId));

    // Loops, not LINQ with a lambda: this runs for every member of every committed row.
    private static DeviceCiphertext[] OfUser(IReadOnlyList<DeviceCiphertext> ciphertexts, string? userId)
    {
        var count = 0;
        for (var i = 0; i < ciphertexts.Count; i++)
        {
            count += ciphertexts[i].UserId == userId ? 1 : 0;
        }

        if (count == 0)
        {
            return [];
        }

        var mine = new DeviceCiphertext[count];
        for (int i = 0, j = 0; i < ciphertexts.Count; i++)
        {
            if (ciphertexts[i].UserId == userId)
            {
                mine[j++] = ciphertexts[i];
            }
        }

        return mine;
    }
}
