using System.Text.Json.Serialization;

namespace XChat.Client.Messaging;

/// <summary>
/// What a message carries about an attachment, inside its encrypted body: the server's id, the fresh
/// AES-256-GCM key, the SHA-256 digest of the whole ciphertext as uploaded, the plaintext size, the
/// plaintext chunk size, the content type and the file name. See <see cref="AttachmentCipher"/>.
/// </summary>
public sealed record AttachmentPointer(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("key")] byte[] Key,
    [property: JsonPropertyName("digest")] byte[] Digest,
    [property: JsonPropertyName("size")] long Size,
    [property: JsonPropertyName("chunkSize")] int ChunkSize,
    [property: JsonPropertyName("contentType")] string ContentType,
    [property: JsonPropertyName("fileName")] string FileName)
{
    /// <summary>True when every field is usable; a pointer from a peer is checked before it is stored.</summary>
    public bool IsWellFormed() =>
        Id is { Length: 32 } && Id.All(char.IsAsciiHexDigitLower)
        && Key is { Length: AttachmentCipher.KeySize } && Digest is { Length: 32 }
        && Size >= 0 && ChunkSize is > 0 and <= AttachmentCipher.MaxChunkSize
        && ContentType is not null && FileName is not null;
}
