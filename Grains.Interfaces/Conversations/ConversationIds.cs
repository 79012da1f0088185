using XChat.Grains.Errors;

namespace XChat.Grains.Conversations;

/// <summary>Conversation ids: a direct conversation's id is derived from its two users, so asking twice finds the same one.</summary>
public static class ConversationIds
{
    public const int MaxLength = 80;

    public static string ForDirect(string userA, string userB)
    {
        if (string.Equals(userA, userB, StringComparison.Ordinal))
        {
            throw new InvalidRequestException("A direct conversation needs two different users.");
        }

        return string.CompareOrdinal(userA, userB) < 0 ? $"d_{userA}_{userB}" : $"d_{userB}_{userA}";
    }

    public static string NewGroup() => $"g_{Guid.NewGuid():N}";

    /// <summary>True when the id has the shape of a conversation id (it may still not exist).</summary>
    public static bool IsWellFormed(string? id) =>
        !string.IsNullOrEmpty(id) && id.Length <= MaxLength && (id.StartsWith("d_", StringComparison.Ordinal) || id.StartsWith("g_", StringComparison.Ordinal))
        && Identifiers.IsAsciiWord(id);
}
