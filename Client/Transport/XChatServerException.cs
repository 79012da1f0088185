using XChat.Protocol;

namespace XChat.Client.Transport;

/// <summary>The server answered a request with an Error; <see cref="Code"/> says which rule it broke.</summary>
public sealed class XChatServerException : Exception
{
    public XChatServerException(ErrorCode code, string? detail, uint retryAfterMs = 0, MismatchedDevices? mismatched = null)
        : base($"Server error {code}: {detail}")
    {
        Code = code;
        RetryAfter = TimeSpan.FromMilliseconds(retryAfterMs);
        Mismatched = mismatched;
    }

    /// <summary>Builds the exception for an Error frame.</summary>
    public static XChatServerException From(Error error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new XChatServerException(error.Code, error.Message, error.RetryAfterMs, error.Mismatched);
    }

    /// <summary>The protocol error code.</summary>
    public ErrorCode Code { get; }

    /// <summary>For <see cref="ErrorCode.RateLimited"/>: how long to wait before retrying; zero otherwise.</summary>
    public TimeSpan RetryAfter { get; }

    /// <summary>
    /// For <see cref="ErrorCode.MismatchedDevices"/>: the devices the send lacked a ciphertext for
    /// (start sessions with them) and those it should not have addressed (drop them); null otherwise.
    /// </summary>
    public MismatchedDevices? Mismatched { get; }
}
