using XChat.Grains.Errors;
using XChat.Protocol;

namespace XChat.Gateway.Dispatch;

/// <summary>The one place where exceptions become protocol errors.</summary>
public static class ErrorMapping
{
    /// <summary>The protocol error for an exception, and whether it is a server bug worth logging as an error.</summary>
    public static (Error Error, bool IsBug) ToError(Exception exception) => exception switch
    {
        RequestException e => (new Error { Code = e.Code, Message = e.Message, RetryAfterMs = e.RetryAfterMs }, false),
        InvalidRequestException e => (Make(ErrorCode.BadRequest, e.Message), false),
        NotFoundException e => (Make(ErrorCode.NotFound, e.Message), false),
        ForbiddenException e => (Make(ErrorCode.Forbidden, e.Message), false),
        HandleTakenException e => (Make(ErrorCode.HandleTaken, e.Message), false),
        LimitReachedException e => (Make(ErrorCode.LimitExceeded, e.Message), false),
        PayloadTooLargeException e => (Make(ErrorCode.PayloadTooLarge, e.Message), false),
        MismatchedDevicesException e => (Mismatched(e), false),
        Grains.Attachments.AttachmentIncompleteException e => (Make(ErrorCode.AttachmentIncomplete, e.Message), false),
        BlockedException e => (Make(ErrorCode.Blocked, e.Message), false),
        StorageUnavailableException => (Make(ErrorCode.Unavailable, "Storage is unavailable; retry."), false),
        // Silo failures, timeouts and lost connections to the cluster: the request may be retried.
        TimeoutException or OrleansException or OperationCanceledException
            => (Make(ErrorCode.Unavailable, "The service is temporarily unavailable; retry."), false),
        _ => (Make(ErrorCode.Internal, "Internal error."), true),
    };

    private static Error Mismatched(MismatchedDevicesException e)
    {
        var detail = new MismatchedDevices();
        detail.Missing.AddRange(e.Missing.Select(d => new DeviceRef { UserId = d.UserId, DeviceId = d.DeviceId }));
        detail.Extra.AddRange(e.Extra.Select(d => new DeviceRef { UserId = d.UserId, DeviceId = d.DeviceId }));
        return new Error { Code = ErrorCode.MismatchedDevices, Message = e.Message, Mismatched = detail };
    }

    private static Error Make(ErrorCode code, string message) => new() { Code = code, Message = message };
}

/// <summary>A request the gateway itself rejects, with the protocol code to answer.</summary>
public sealed class RequestException(ErrorCode code, string message, uint retryAfterMs = 0) : Exception(message)
{
    public ErrorCode Code { get; } = code;
    public uint RetryAfterMs { get; } = retryAfterMs;
}
