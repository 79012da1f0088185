namespace XChat.Grains.Errors;

/// <summary>Base of the exceptions a grain throws for a request that breaks a rule; each maps to one protocol error code.</summary>
[GenerateSerializer]
public abstract class XChatException : Exception
{
    protected XChatException(string message) : base(message) { }
}

/// <summary>A field is missing, malformed or out of range.</summary>
[GenerateSerializer, Alias("xchat.InvalidRequest")]
public sealed class InvalidRequestException(string message) : XChatException(message);

/// <summary>The user, device or conversation named in the request does not exist.</summary>
[GenerateSerializer, Alias("xchat.NotFound")]
public sealed class NotFoundException(string message) : XChatException(message);

/// <summary>The caller is not a member of the conversation, or lacks the role the operation needs.</summary>
[GenerateSerializer, Alias("xchat.Forbidden")]
public sealed class ForbiddenException(string message) : XChatException(message);

/// <summary>The handle is already registered to another user.</summary>
[GenerateSerializer, Alias("xchat.HandleTaken")]
public sealed class HandleTakenException(string message) : XChatException(message);

/// <summary>A configured limit (group size, devices per user, payload size) would be exceeded.</summary>
[GenerateSerializer, Alias("xchat.LimitExceeded")]
public sealed class LimitReachedException(string message) : XChatException(message);

/// <summary>Storage refused or lost a write; nothing was acknowledged and the request may be retried.</summary>
[GenerateSerializer, Alias("xchat.StorageUnavailable")]
public sealed class StorageUnavailableException(string message) : XChatException(message);

/// <summary>The message payload is larger than the configured limit.</summary>
[GenerateSerializer, Alias("xchat.PayloadTooLarge")]
public sealed class PayloadTooLargeException(string message) : XChatException(message);

/// <summary>
/// A send's per-device ciphertexts do not address exactly the current devices of the members
/// (every device but the sender's own): <see cref="Missing"/> lacked one, <see cref="Extra"/>
/// should not have had one.
/// </summary>
[GenerateSerializer, Alias("xchat.MismatchedDevices")]
public sealed class MismatchedDevicesException : XChatException
{
    public MismatchedDevicesException(IReadOnlyList<Conversations.DeviceAddress> missing, IReadOnlyList<Conversations.DeviceAddress> extra)
        : base($"The send addresses the wrong devices: {missing.Count} missing, {extra.Count} extra.")
    {
        Missing = missing;
        Extra = extra;
    }

    [Id(0)] public IReadOnlyList<Conversations.DeviceAddress> Missing { get; private set; }

    [Id(1)] public IReadOnlyList<Conversations.DeviceAddress> Extra { get; private set; }
}
