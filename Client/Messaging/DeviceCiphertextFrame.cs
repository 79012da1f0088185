using XChat.Client.Errors;
using XChat.Client.Ratchet;

namespace XChat.Client.Messaging;

/// <summary>The bytes of one device_ciphertext: the <see cref="CiphertextMessageType"/> as one byte, then the serialized message.</summary>
internal static class DeviceCiphertextFrame
{
    public static byte[] Write(CiphertextMessage message) => [(byte)message.Type, .. message.Serialize()];

    /// <summary>Throws <see cref="InvalidMessageException"/> for an empty frame or an unknown type.</summary>
    public static CiphertextMessage Read(ReadOnlySpan<byte> frame)
    {
        if (frame.Length < 2)
        {
            throw new InvalidMessageException("The device ciphertext is too short.");
        }

        var type = (CiphertextMessageType)frame[0];
        if (type is not (CiphertextMessageType.PreKey or CiphertextMessageType.Whisper))
        {
            throw new InvalidMessageException($"Unknown ciphertext type {frame[0]}.");
        }

        return CiphertextMessage.Deserialize(type, frame[1..]);
    }
}
