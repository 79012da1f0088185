namespace XChat.Client.Storage;

/// <summary>
/// A stored value failed authentication or could not be decoded: the database was changed outside
/// this code (a tampered, swapped or truncated cell). The message names the table, never the content.
/// </summary>
public sealed class ProfileCorruptException(string message, Exception? innerException = null) : Exception(message, innerException);
