using XChat.Client.Errors;

namespace XChat.Client.Ratchet;

/// <summary>What <see cref="SessionCipher"/> produces: a typed, serializable ciphertext.</summary>
public abstract class CiphertextMessage
{
    /// <summary>The version byte every message starts with; a different one is rejected.</summary>
    public const byte CurrentVersion = 1;

    private protected CiphertextMessage()
    {
    }

    public abstract CiphertextMessageType Type { get; }

    /// <summary>The wire form of the message.</summary>
    public abstract byte[] Serialize();

    /// <summary>Parses a message of a known type; throws <see cref="InvalidMessageException"/> when malformed.</summary>
    public static CiphertextMessage Deserialize(CiphertextMessageType type, ReadOnlySpan<byte> serialized) => type switch
    {
        CiphertextMessageType.Whisper => SignalMessage.Deserialize(serialized),
        CiphertextMessageType.PreKey => PreKeySignalMessage.Deserialize(serialized),
        _ => throw new InvalidMessageException("Unknown ciphertext message type."),
    };
}
