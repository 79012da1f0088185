namespace XChat.Grains.Conversations;

/// <summary>Persistent state of a conversation: membership only. The log lives in the message store, not here.</summary>
[GenerateSerializer, Alias("xchat.ConversationState")]
public sealed class ConversationState
{
    [Id(0)] public ConversationKind Kind { get; set; }
    [Id(1)] public List<string> Members { get; set; } = [];
    [Id(2)] public string OwnerUserId { get; set; } = string.Empty;
    [Id(3)] public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Disappearing-message timer in milliseconds, 0 when off (ConversationGrain.Live.cs).</summary>
    [Id(10)] public long DisappearAfterMs { get; set; }
    /// <summary>Direct only: the users of the pair who blocked the other. Set also before the conversation exists.</summary>
    [Id(4)] public List<string> BlockedBy { get; set; } = [];

    public bool Exists => Members.Count > 0;
}
