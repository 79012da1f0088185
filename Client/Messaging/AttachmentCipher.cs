using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using XChat.Client.Crypto;

namespace XChat.Client.Messaging;

/// <summary>
/// Chunked AES-256-GCM for attachments. Each file gets a fresh random key, so the nonce can be the chunk
/// index (a key never sees a nonce twice). Every chunk's associated data is
/// <c>"xchat-attachment-v1" || u32 index || u32 chunk count</c> (big-endian): a chunk moved to another
/// index, a chunk from another file, or a file cut short or extended fails authentication. The digest
/// (SHA-256 of the concatenated ciphertext) is checked as well before the file is handed out.
/// </summary>
public static class AttachmentCipher
{
    public const int KeySize = Aes256Gcm.KeySize;

    /// <summary>Plaintext bytes per chunk: 64 KiB, so each ciphertext chunk fits one upload frame.</summary>
    public const int DefaultChunkSize = 64 * 1024;

    /// <summary>Largest plaintext chunk a pointer may name (the server takes up to 128 KiB of ciphertext per chunk).</summary>
    public const int MaxChunkSize = 128 * 1024 - Aes256Gcm.TagSize;

    private static readonly byte[] Context = Encoding.ASCII.GetBytes("xchat-attachment-v1");

    public static byte[] NewKey() => RandomNumberGenerator.GetBytes(KeySize);

    /// <summary>How many chunks a file of <paramref name="size"/> bytes has: at least one (an empty file is one empty chunk).</summary>
    public static int ChunkCount(long size, int chunkSize) => size == 0 ? 1 : checked((int)((size + chunkSize - 1) / chunkSize));

    /// <summary>Total ciphertext size: the plaintext plus one tag per chunk.</summary>
    public static long CiphertextSize(long size, int chunkSize) => size + (long)ChunkCount(size, chunkSize) * Aes256Gcm.TagSize;

    public static byte[] EncryptChunk(ReadOnlySpan<byte> key, int index, int count, ReadOnlySpan<byte> plaintext) =>
        Aes256Gcm.Encrypt(key, Nonce(index), plaintext, AssociatedData(index, count));

    /// <summary>Decrypts one chunk; false when it was changed, moved, or belongs to another file or length.</summary>
    public static bool TryDecryptChunk(ReadOnlySpan<byte> key, int index, int count, ReadOnlySpan<byte> ciphertext, out byte[] plaintext) =>
        Aes256Gcm.TryDecrypt(key, Nonce(index), ciphertext, AssociatedData(index, count), out plaintext);

    private static byte[] Nonce(int index)
    {
        var nonce = new byte[Aes256Gcm.NonceSize];
        BinaryPrimitives.WriteUInt32BigEndian(nonce.AsSpan(Aes256Gcm.NonceSize - 4), checked((uint)index));
        return nonce;
    }

    private static byte[] AssociatedData(int index, int count)
    {
        var ad = new byte[Context.Length + 8];
        Context.CopyTo(ad, 0);
        BinaryPrimitives.WriteUInt32BigEndian(ad.AsSpan(Context.Length), checked((uint)index));
        BinaryPrimitives.WriteUInt32BigEndian(ad.AsSpan(Context.Length + 4), checked((uint)count));
        return ad;
    }
}
