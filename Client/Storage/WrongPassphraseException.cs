namespace XChat.Client.Storage;

/// <summary>
/// The passphrase (or the key file) does not open the profile: its key did not unwrap the profile
/// key. Nothing in the profile was read or changed.
/// </summary>
public sealed class WrongPassphraseException(string message) : Exception(message);
