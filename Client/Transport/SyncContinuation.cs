namespace XChat.Client.Transport;

/// <summary>A sync the delivery feed asks for: fetch the conversation after AfterSeq. SyncId tells a current sync from a stale one.</summary>
internal readonly record struct SyncContinuation(string ConversationId, ulong AfterSeq, long SyncId);
