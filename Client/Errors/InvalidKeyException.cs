namespace XChat.Client.Errors;

/// <summary>
/// A public key from a peer or a server is unusable: a bad signature (identity binding, signed
/// prekey, KEM prekey), a wrong length, a low-order point or a malformed ML-KEM key.
/// </summary>
public sealed class InvalidKeyException(string message, Exception? innerException = null)
    : SessionException(message, innerException);
