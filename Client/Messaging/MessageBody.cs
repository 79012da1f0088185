using System.Text.Json;
using System.Text.Json.Serialization;

namespace XChat.Client.Messaging;

/// <summary>
/// The plaintext inside each per-device ciphertext: a small versioned JSON object,
/// <c>{"v":1,"type":"text","text":"…","sentAt":unix-ms,"from":"handle"}</c>. <c>from</c> is the sender's
/// handle as the sender states it; the receiver checks it against the server's lookup before trusting it.
/// Unknown fields are ignored, an unknown version or type is rejected.
/// </summary>
internal sealed record MessageBody(
    [property: JsonPropertyName("v")] int Version,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("text")] string? Text,
    [property: JsonPropertyName("sentAt")] long SentAtMs,
    [property: JsonPropertyName("from")] string? From)
{
    public const int CurrentVersion = 1;
    public const string TextType = "text";

    public static MessageBody ForText(string text, string from, DateTimeOffset sentAt) =>
        new(CurrentVersion, TextType, text, sentAt.ToUnixTimeMilliseconds(), from);

    public byte[] Serialize() => JsonSerializer.SerializeToUtf8Bytes(this);

    /// <summary>Parses a decrypted body; throws <see cref="FormatException"/> when it is not a version-1 text message.</summary>
    public static MessageBody Parse(ReadOnlySpan<byte> plaintext)
    {
        MessageBody? body;
        try
        {
            body = JsonSerializer.Deserialize<MessageBody>(plaintext);
        }
        catch (JsonException e)
        {
            throw new FormatException("The decrypted message is not a JSON message body.", e);
        }

        if (body is null || body.Version != CurrentVersion)
        {
            throw new FormatException($"Unsupported message body version {body?.Version}.");
        }

        if (body.Type != TextType || body.Text is null)
        {
            throw new FormatException($"Unsupported message type '{body.Type}'.");
        }

        return body;
    }
}
