using XChat.Protocol;

namespace XChat.Client.Transport;

/// <summary>The server answered a request with an Error; <see cref="Code"/> says which rule it broke.</summary>
public sealed class XChatServerException : Exception
{
    public XChatServerException(ErrorCode code, string? detail, uint retryAfterMs = 0)
        : base($"Server error {code}: {detail}")
    {
        Code = code;
        RetryAfter = TimeSpan.FromMilliseconds(retryAfterMs);
    }

    /// <summary>The protocol error code.</summary>
    public ErrorCode Code { get; }

    /// <summary>For <see cref="ErrorCode.RateLimited"/>: how long to wait before retrying; zero otherwise.</summary>
    public TimeSpan RetryAfter { get; }
}
