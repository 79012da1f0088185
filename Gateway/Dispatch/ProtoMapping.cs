using Google.Protobuf;
using XChat.Grains.Conversations;
using XChat.Protocol;
using GrainKind = XChat.Grains.Conversations.ConversationKind;
using WireKind = XChat.Protocol.ConversationKind;

namespace XChat.Gateway.Dispatch;

/// <summary>Converts between grain records and protocol messages.</summary>
public static class ProtoMapping
{
    /// <summary>
    /// The bytes of a parsed field as an array, without a copy when the ByteString owns a whole array
    /// (the parser copies each bytes field into one of its own). A ByteString never changes, and neither
    /// does what the grains do with a payload, so sharing the array is safe.
    /// </summary>
    public static byte[] Bytes(ByteString bytes) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(bytes.Memory, out var segment)
            && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : bytes.ToByteArray();

    public static Envelope ToEnvelope(MessageEnvelope message, byte[]? deviceCiphertext) => new()
    {
        ConversationId = message.ConversationId,
        Seq = (ulong)message.Seq,
        SenderUserId = message.Sender.UserId,
        SenderDeviceId = message.Sender.DeviceId,
        ClientMessageId = message.ClientMessageId,
        ServerTimestampMs = message.ServerTimestampMs,
        SharedCiphertext = message.SharedCiphertext is null ? ByteString.Empty : UnsafeByteOperations.UnsafeWrap(message.SharedCiphertext),
        DeviceCiphertext = deviceCiphertext is null ? ByteString.Empty : UnsafeByteOperations.UnsafeWrap(deviceCiphertext),
        ExpiresAtMs = message.ExpiresAtMs ?? 0,
        Erased = message.Erased,
        Deleted = message.Deleted,
        Silent = message.Silent,
    };

    public static Envelope ToEnvelope(MessageEnvelope message) => ToEnvelope(message, message.DeviceCiphertext);

    public static ConversationInfo ToInfo(ConversationSnapshot snapshot, long cursor)
    {
        var info = new ConversationInfo
        {
            ConversationId = snapshot.ConversationId,
            Kind = ToWire(snapshot.Kind),
            OwnerUserId = snapshot.OwnerUserId,
            LastSeq = (ulong)snapshot.LastSeq,
            Cursor = (ulong)Math.Max(0, cursor),
            DisappearAfterSeconds = (uint)(snapshot.DisappearAfterMs / 1000),
        };
        info.MemberUserIds.AddRange(snapshot.Members);
        return info;
    }

    public static Protocol.MessagePage ToPage(Grains.Conversations.MessagePage page)
    {
        var result = new Protocol.MessagePage { HasMore = page.HasMore, LastSeq = (ulong)page.LastSeq };
        result.Messages.AddRange(page.Messages.Select(ToEnvelope));
        return result;
    }

    public static WireKind ToWire(GrainKind kind) => kind switch
    {
        GrainKind.Direct => WireKind.Direct,
        GrainKind.Group => WireKind.Group,
        _ => WireKind.Unspecified,
    };

    public static GrainKind? FromWire(WireKind kind) => kind switch
    {
        WireKind.Direct => GrainKind.Direct,
        WireKind.Group => GrainKind.Group,
        _ => null,
    };
}
