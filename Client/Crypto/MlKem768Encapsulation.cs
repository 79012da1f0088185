namespace XChat.Client.Crypto;

/// <summary>The result of ML-KEM-768 encapsulation: the 1088-byte ciphertext for the peer and the 32-byte shared secret.</summary>
public sealed record MlKem768Encapsulation(byte[] Ciphertext, byte[] SharedSecret);
