namespace XChat.Client.Transport;

/// <summary>What the server reported about one conversation when resuming: its last seq and this device's server-side cursor.</summary>
internal readonly record struct ConversationCursor(string ConversationId, ulong LastSeq, ulong ServerCursor);
