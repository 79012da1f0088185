namespace XChat.Client.Ratchet;

/// <summary>The kind of a ciphertext message: the receiver needs it to parse the bytes.</summary>
public enum CiphertextMessageType
{
    /// <summary>A Double Ratchet message of an established session (<see cref="SignalMessage"/>).</summary>
    Whisper = 2,

    /// <summary>A Double Ratchet message with the PQXDH initial data (<see cref="PreKeySignalMessage"/>).</summary>
    PreKey = 3,
}
