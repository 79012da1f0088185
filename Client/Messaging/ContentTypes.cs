namespace XChat.Client.Messaging;

/// <summary>A content type from a file name's extension, for the attachment pointer; the receiver treats it as a hint only.</summary>
internal static class ContentTypes
{
    private static readonly Dictionary<string, string> ByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".txt"] = "text/plain",
        [".md"] = "text/markdown",
        [".json"] = "application/json",
        [".pdf"] = "application/pdf",
        [".png"] = "image/png",
        [".jpg"] = "image/jpeg",
        [".jpeg"] = "image/jpeg",
        [".gif"] = "image/gif",
        [".webp"] = "image/webp",
        [".mp4"] = "video/mp4",
        [".zip"] = "application/zip",
    };

    public static string Guess(string path) => ByExtension.GetValueOrDefault(Path.GetExtension(path), "application/octet-stream");
}
