namespace XChat.Client.Errors;

/// <summary>
/// An initial message names a prekey this device does not have: never issued, rotated away, or a
/// one-time prekey that an earlier initial message already consumed.
/// </summary>
public sealed class InvalidKeyIdException(string message) : SessionException(message);
