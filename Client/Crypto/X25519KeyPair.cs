namespace XChat.Client.Crypto;

/// <summary>An X25519 key pair: the 32-byte private scalar and the 32-byte public u-coordinate.</summary>
public sealed record X25519KeyPair(byte[] PrivateKey, byte[] PublicKey);
