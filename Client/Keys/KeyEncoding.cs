// The public key encodings of PQXDH revision 3 §2.1: EncodeEC is a single byte naming the curve
// followed by the little-endian u-coordinate (RFC 7748 §5); EncodeKEM is a single byte naming the
// KEM followed by the KEM's own public key encoding (FIPS 203 ek). The type byte keeps a signature
// over a curve key from ever verifying as a signature over a KEM key and the other way round.
using XChat.Client.Crypto;

namespace XChat.Client.Keys;

/// <summary>EncodeEC and EncodeKEM of the PQXDH specification, and the Ed25519 encoding used in the associated data.</summary>
internal static class KeyEncoding
{
    /// <summary>Curve25519 (the value libsignal uses for its Montgomery keys).</summary>
    public const byte X25519Type = 0x05;

    /// <summary>Ed25519 identity signing key: appears only in the identity encoding of the associated data.</summary>
    public const byte Ed25519Type = 0x06;

    /// <summary>ML-KEM-768 (FIPS 203). Our own value: libsignal's types are for ML-KEM-1024.</summary>
    public const byte MlKem768Type = 0x0C;

    /// <summary>EncodeEC(PK) = 0x05 || u-coordinate (33 bytes).</summary>
    public static byte[] EncodeEC(ReadOnlySpan<byte> x25519PublicKey)
    {
        if (x25519PublicKey.Length != X25519.KeySize)
        {
            throw new ArgumentException($"An X25519 public key has {X25519.KeySize} bytes.", nameof(x25519PublicKey));
        }

        return [X25519Type, .. x25519PublicKey];
    }

    /// <summary>EncodeKEM(PK) = 0x0C || ek (1185 bytes).</summary>
    public static byte[] EncodeKEM(ReadOnlySpan<byte> mlKemPublicKey)
    {
        if (mlKemPublicKey.Length != MlKem768.PublicKeySize)
        {
            throw new ArgumentException($"An ML-KEM-768 public key has {MlKem768.PublicKeySize} bytes.", nameof(mlKemPublicKey));
        }

        return [MlKem768Type, .. mlKemPublicKey];
    }
}
