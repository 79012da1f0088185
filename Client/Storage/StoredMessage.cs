namespace XChat.Client.Storage;

/// <summary>A decrypted message as kept in the profile's history: <paramref name="Seq"/> is the server's order in the conversation.</summary>
public sealed record StoredMessage(string Conversation, long Seq, string Sender, string Text, DateTimeOffset SentAt);
