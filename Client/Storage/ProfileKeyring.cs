using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using XChat.Client.Crypto;

namespace XChat.Client.Storage;

/// <summary>
/// The profile key (32 random bytes, it encrypts every secret cell) and the key that wraps it: either
/// Argon2id of the passphrase, with salt and cost stored beside the wrapped key, or, without a
/// passphrase, 32 random bytes in <see cref="KeyFileName"/> (mode 0600) in the profile directory.
/// </summary>
/// <remarks>
/// The key file protects a copied database (a backup, a synced folder) but not against whoever can
/// read the user's files; a passphrase protects against both. The wrapping's associated data holds
/// the KDF name and cost, so they cannot be lowered without the unwrap failing.
/// </remarks>
internal static class ProfileKeyring
{
    public const string KeyFileName = "profile.key";

    private const string Argon2idKdf = "argon2id";
    private const string KeyFileKdf = "keyfile";
    private const int NonceSize = Aes256Gcm.NonceSize;

    /// <summary>Generates the profile key, wraps it and writes the wrapping into <paramref name="database"/>; returns the profile key.</summary>
    public static byte[] Create(ProfileDatabase database, string directory, string? passphrase, PassphraseKdfParameters kdf)
    {
        var profileKey = RandomNumberGenerator.GetBytes(ProfileCipher.KeySize);
        byte[] salt = [];
        byte[] wrappingKey;
        if (passphrase is null)
        {
            wrappingKey = RandomNumberGenerator.GetBytes(Aes256Gcm.KeySize);
            WriteKeyFile(Path.Combine(directory, KeyFileName), wrappingKey);
        }
        else
        {
            salt = RandomNumberGenerator.GetBytes(PassphraseKdfParameters.SaltSize);
            wrappingKey = DeriveFromPassphrase(passphrase, salt, kdf);
        }

        var name = passphrase is null ? KeyFileKdf : Argon2idKdf;
        var nonce = RandomNumberGenerator.GetBytes(NonceSize);
        byte[] wrapped = [.. nonce, .. Aes256Gcm.Encrypt(wrappingKey, nonce, profileKey, AssociatedData(name, salt, kdf))];
        CryptographicOperations.ZeroMemory(wrappingKey);
        database.Execute(
            "INSERT INTO profile_key (id, kdf, salt, memory_kib, iterations, parallelism, wrapped_key) VALUES (1, $kdf, $salt, $m, $t, $p, $wrapped)",
            ("$kdf", name), ("$salt", salt), ("$m", kdf.MemoryKiB), ("$t", kdf.Iterations), ("$p", kdf.Parallelism), ("$wrapped", wrapped));
        return profileKey;
    }

    /// <summary>Unwraps the profile key; throws <see cref="WrongPassphraseException"/> when the passphrase or key file does not fit.</summary>
    public static byte[] Unlock(ProfileDatabase database, string directory, string? passphrase)
    {
        var (name, salt, kdf, wrapped) = database.QuerySingle(
            "SELECT kdf, salt, memory_kib, iterations, parallelism, wrapped_key FROM profile_key WHERE id = 1",
            r => new WrappedKeyRow(r.GetString(0), r.IsDBNull(1) ? [] : (byte[])r[1], new PassphraseKdfParameters(r.GetInt32(2), r.GetInt32(3), r.GetInt32(4)), (byte[])r[5]))
            ?? throw new ProfileCorruptException("The profile has no wrapped profile key.");
        byte[] wrappingKey = (name, passphrase) switch
        {
            (KeyFileKdf, null) => ReadKeyFile(Path.Combine(directory, KeyFileName)),
            (KeyFileKdf, _) => throw new WrongPassphraseException("This profile is protected by its key file, not by a passphrase."),
            (Argon2idKdf, null) => throw new WrongPassphraseException("This profile is protected by a passphrase."),
            (Argon2idKdf, _) => DeriveFromPassphrase(passphrase, salt, kdf),
            _ => throw new ProfileCorruptException("The profile key uses an unknown key derivation."),
        };
        try
        {
            if (wrapped.Length < NonceSize
                || !Aes256Gcm.TryDecrypt(wrappingKey, wrapped.AsSpan(0, NonceSize), wrapped.AsSpan(NonceSize), AssociatedData(name, salt, kdf), out var profileKey))
            {
                throw new WrongPassphraseException(name == KeyFileKdf ? "The key file does not open this profile." : "The passphrase is wrong.");
            }

            return profileKey;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(wrappingKey);
        }
    }

    private static byte[] DeriveFromPassphrase(string passphrase, byte[] salt, PassphraseKdfParameters kdf)
    {
        var bytes = Encoding.UTF8.GetBytes(passphrase);
        try
        {
            return Argon2id.DeriveKey(bytes, salt, kdf.MemoryKiB, kdf.Iterations, kdf.Parallelism, Aes256Gcm.KeySize);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    private static byte[] AssociatedData(string name, byte[] salt, PassphraseKdfParameters kdf)
    {
        var cost = new byte[12];
        BinaryPrimitives.WriteInt32LittleEndian(cost, kdf.MemoryKiB);
        BinaryPrimitives.WriteInt32LittleEndian(cost.AsSpan(4), kdf.Iterations);
        BinaryPrimitives.WriteInt32LittleEndian(cost.AsSpan(8), kdf.Parallelism);
        return [.. "xchat.profile.key.v1"u8, .. Encoding.UTF8.GetBytes(name), (byte)salt.Length, .. salt, .. cost];
    }

    private static void WriteKeyFile(string path, byte[] key)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        stream.Write(key);
        stream.Flush(flushToDisk: true);
    }

    private static byte[] ReadKeyFile(string path)
    {
        var key = File.ReadAllBytes(path);
        if (key.Length != Aes256Gcm.KeySize)
        {
            throw new WrongPassphraseException($"The key file {KeyFileName} does not hold a {Aes256Gcm.KeySize}-byte key.");
        }

        return key;
    }

    private sealed record WrappedKeyRow(string Kdf, byte[] Salt, PassphraseKdfParameters Cost, byte[] Wrapped);
}
