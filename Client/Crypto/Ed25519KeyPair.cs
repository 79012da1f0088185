namespace XChat.Client.Crypto;

/// <summary>An Ed25519 key pair: the 32-byte private seed and the 32-byte public key.</summary>
public sealed record Ed25519KeyPair(byte[] PrivateKey, byte[] PublicKey);
