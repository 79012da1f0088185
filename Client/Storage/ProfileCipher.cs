using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using XChat.Client.Crypto;

namespace XChat.Client.Storage;

/// <summary>
/// Encrypts one database cell under the profile key: AES-256-GCM, a random 96-bit nonce per value,
/// and associated data naming the table, the column and the row, so a ciphertext copied into
/// another cell (another peer's session, another message) fails authentication.
/// </summary>
/// <remarks>
/// Random nonces are safe here: at 2^32 values under one key the chance of a repeat is about 2^-33
/// (NIST SP 800-38D §8.3), far beyond what one device stores. Cell = nonce (12) || ciphertext || tag (16).
/// </remarks>
internal sealed class ProfileCipher(byte[] profileKey) : IDisposable
{
    public const int KeySize = Aes256Gcm.KeySize;

    private static readonly byte[] Domain = "xchat.profile.cell.v1"u8.ToArray();

    public byte[] Seal(string table, string column, string row, ReadOnlySpan<byte> plaintext)
    {
        var nonce = RandomNumberGenerator.GetBytes(Aes256Gcm.NonceSize);
        var ciphertext = Aes256Gcm.Encrypt(profileKey, nonce, plaintext, AssociatedData(table, column, row));
        return [.. nonce, .. ciphertext];
    }

    /// <summary>Decrypts a cell written by <see cref="Seal"/> for the same table, column and row; throws <see cref="ProfileCorruptException"/> otherwise.</summary>
    public byte[] Open(string table, string column, string row, ReadOnlySpan<byte> cell)
    {
        if (cell.Length < Aes256Gcm.NonceSize + Aes256Gcm.TagSize
            || !Aes256Gcm.TryDecrypt(profileKey, cell[..Aes256Gcm.NonceSize], cell[Aes256Gcm.NonceSize..], AssociatedData(table, column, row), out var plaintext))
        {
            throw new ProfileCorruptException($"A value in {table}.{column} failed authentication.");
        }

        return plaintext;
    }

    public void Dispose() => CryptographicOperations.ZeroMemory(profileKey);

    // Length-prefixed parts, so ("ab", "c") and ("a", "bc") give different associated data.
    private static byte[] AssociatedData(string table, string column, string row)
    {
        using var stream = new MemoryStream();
        stream.Write(Domain);
        Span<byte> length = stackalloc byte[4];
        foreach (var part in (ReadOnlySpan<string>)[table, column, row])
        {
            var bytes = Encoding.UTF8.GetBytes(part);
            BinaryPrimitives.WriteInt32LittleEndian(length, bytes.Length);
            stream.Write(length);
            stream.Write(bytes);
        }

        return stream.ToArray();
    }
}
