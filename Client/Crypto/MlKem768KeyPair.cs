namespace XChat.Client.Crypto;

/// <summary>An ML-KEM-768 key pair: the 2400-byte decapsulation key (FIPS 203 dk) and the 1184-byte encapsulation key (ek).</summary>
public sealed record MlKem768KeyPair(byte[] PrivateKey, byte[] PublicKey);
