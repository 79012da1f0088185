// Argon2id: RFC 9106, "Argon2 Memory-Hard Function for Password Hashing and Proof-of-Work
// Applications", version 0x13 (§3.1), type 2 (Argon2id, §3.4.1.3: the first half pass is
// data-independent, the rest data-dependent). Test vector: RFC 9106 §5.3.
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;

namespace XChat.Client.Crypto;

/// <summary>Argon2id key derivation from a password (RFC 9106).</summary>
public static class Argon2id
{
    /// <summary>The smallest salt RFC 9106 §3.1 allows is 8 bytes; it recommends 16.</summary>
    public const int MinSaltSize = 8;

    /// <summary>
    /// Derives <paramref name="length"/> bytes (the tag T of RFC 9106 §3.2) from <paramref name="password"/>.
    /// <paramref name="memoryKiB"/> is m (at least 8 * p), <paramref name="iterations"/> is t, <paramref name="parallelism"/> is p;
    /// <paramref name="secret"/> (K) and <paramref name="associatedData"/> (X) are optional.
    /// </summary>
    public static byte[] DeriveKey(
        ReadOnlySpan<byte> password,
        ReadOnlySpan<byte> salt,
        int memoryKiB,
        int iterations,
        int parallelism,
        int length,
        ReadOnlySpan<byte> secret = default,
        ReadOnlySpan<byte> associatedData = default)
    {
        if (salt.Length < MinSaltSize)
        {
            throw new ArgumentException($"An Argon2 salt has at least {MinSaltSize} bytes.", nameof(salt));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(parallelism, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(parallelism, 0xFFFFFF);
        ArgumentOutOfRangeException.ThrowIfLessThan(memoryKiB, 8 * parallelism);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 4);

        var parameters = new Argon2Parameters.Builder(Argon2Parameters.Argon2id)
            .WithVersion(Argon2Parameters.Version13)
            .WithMemoryAsKB(memoryKiB)
            .WithIterations(iterations)
            .WithParallelism(parallelism)
            .WithSalt(salt.ToArray())
            .WithSecret(secret.ToArray())
            .WithAdditional(associatedData.ToArray())
            .Build();
        var generator = new Argon2BytesGenerator();
        generator.Init(parameters);
        var passwordCopy = password.ToArray();
        try
        {
            var output = new byte[length];
            generator.GenerateBytes(passwordCopy, output);
            return output;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(passwordCopy);
            parameters.Clear();
        }
    }
}
