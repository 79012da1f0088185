using XChat.Client.Keys;

namespace XChat.Client.Ratchet;

/// <summary>
/// What the initiator repeats in every message until the responder's first reply arrives: the
/// prekey ids and the KEM ciphertext of the PQXDH initial message (the base key is the state's).
/// </summary>
internal sealed record PendingPreKey(SignedPreKeyId SignedPreKeyId, PreKeyId? PreKeyId, KyberPreKeyId KyberPreKeyId, byte[] KemCiphertext);
