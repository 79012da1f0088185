using System.Data.Common;
using XChat.Grains.Conversations;

namespace XChat.Grains.Storage;

/// <summary>Maps a row selected with <see cref="MessageStoreSql.ReadColumns"/> to a <see cref="StoredMessage"/>.</summary>
internal static class MessageRows
{
    public static StoredMessage Read(DbDataReader reader) => new(
        ConversationId: reader.GetString(0),
        Seq: reader.GetInt64(1),
        // The column is 64-bit on both backends so the whole uint range of device ids fits.
        Sender: new DeviceAddress(reader.GetString(2), checked((uint)reader.GetInt64(3))),
        ClientMessageId: reader.GetString(4),
        ServerTimestampMs: reader.GetInt64(5),
        SharedCiphertext: reader.IsDBNull(6) ? null : reader.GetFieldValue<byte[]>(6),
        DeviceCiphertexts: DeviceCiphertextCodec.Decode(reader.IsDBNull(7) ? null : reader.GetFieldValue<byte[]>(7)),
        // expires_at, silent and quiet are written columns; deleted_ms comes only with MessageStoreSql.ReadColumns.
        ExpiresAtMs: reader.IsDBNull(8) ? null : reader.GetInt64(8),
        // INTEGER 0/1 on SQLite, boolean on PostgreSQL: both providers read either as a bool.
        Silent: reader.GetBoolean(9),
        Quiet: reader.GetBoolean(10),
        DeletedMs: reader.FieldCount > 11 && !reader.IsDBNull(11) ? reader.GetInt64(11) : null);

    public static async Task<IReadOnlyList<StoredMessage>> ReadAllAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        var messages = new List<StoredMessage>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            messages.Add(Read(reader));
        }

        return messages;
    }
}
