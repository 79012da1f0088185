namespace XChat.Grains.Conversations;

/// <summary>Direct conversations have exactly two users; groups have an owner and up to a configured number of members.</summary>
[GenerateSerializer, Alias("xchat.ConversationKind")]
public enum ConversationKind
{
    Direct = 1,
    Group = 2,
}

/// <summary>A device that sends or receives: user id plus device id.</summary>
[GenerateSerializer, Immutable, Alias("xchat.DeviceAddress")]
public readonly record struct DeviceAddress(
    [property: Id(0)] string UserId,
    [property: Id(1)] uint DeviceId)
{
    /// <summary>The device grain's key: "{userId}/{deviceId}".</summary>
    public string Key => $"{UserId}/{DeviceId}";

    public override string ToString() => Key;
}

/// <summary>Ciphertext addressed to one recipient device. The server never reads it.</summary>
[GenerateSerializer, Immutable, Alias("xchat.DeviceCiphertext")]
public sealed record DeviceCiphertext(
    [property: Id(0)] string UserId,
    [property: Id(1)] uint DeviceId,
    [property: Id(2)] byte[] Ciphertext)
{
    /// <summary>
    /// The ciphertext addressed to <paramref name="device"/>, or null. A loop, not LINQ with a capturing
    /// lambda: reads and pushes call it for every message and device.
    /// </summary>
    public static byte[]? For(IReadOnlyList<DeviceCiphertext> ciphertexts, DeviceAddress device)
    {
        for (var i = 0; i < ciphertexts.Count; i++)
        {
            if (ciphertexts[i].DeviceId == device.DeviceId && ciphertexts[i].UserId == device.UserId)
            {
                return ciphertexts[i].Ciphertext;
            }
        }

        return null;
    }
}

/// <summary>The conversation's members and metadata as a member sees them.</summary>
[GenerateSerializer, Immutable, Alias("xchat.ConversationSnapshot")]
public sealed record ConversationSnapshot(
    [property: Id(0)] string ConversationId,
    [property: Id(1)] ConversationKind Kind,
    [property: Id(2)] IReadOnlyList<string> Members,
    [property: Id(3)] string OwnerUserId,
    [property: Id(4)] long LastSeq)
{
    /// <summary>The disappearing-message timer in milliseconds; 0 when off.</summary>
    [Id(10)] public long DisappearAfterMs { get; init; }
}

/// <summary>A send: who sends, its idempotency key, and the opaque payload.</summary>
[GenerateSerializer, Immutable, Alias("xchat.AppendRequest")]
public sealed record AppendRequest(
    [property: Id(0)] DeviceAddress Sender,
    [property: Id(1)] string ClientMessageId,
    [property: Id(2)] byte[]? SharedCiphertext,
    [property: Id(3)] IReadOnlyList<DeviceCiphertext> DeviceCiphertexts)
{
    /// <summary>
    /// A silent message (PROTOCOL.md "Send"): an encrypted signal such as a delivery receipt. Stored and
    /// delivered like any message, but not unread and not activity; per-device ciphertexts only, to a
    /// subset of the members' current devices.
    /// </summary>
    [Id(10)] public bool Silent { get; init; }

    /// <summary>
    /// A quiet message (PROTOCOL.md "Send"): an edit, a reaction or a delete notice. Stored, addressed
    /// and delivered like any message, but not unread and not activity.
    /// </summary>
    [Id(11)] public bool Quiet { get; init; }
}

/// <summary>The outcome of a committed send.</summary>
[GenerateSerializer, Immutable, Alias("xchat.AppendResult")]
public sealed record AppendResult(
    [property: Id(0)] long Seq,
    [property: Id(1)] long ServerTimestampMs,
    [property: Id(2)] bool Duplicate);

/// <summary>One send's outcome in <see cref="IConversationGrain.AppendManyAsync"/>: its result, or the rule it broke.</summary>
[GenerateSerializer, Immutable, Alias("xchat.AppendOutcome")]
public sealed record AppendOutcome(
    [property: Id(0)] AppendResult? Result,
    [property: Id(1)] Errors.XChatException? Error);

/// <summary>A stored message as one device sees it: the shared ciphertext and that device's own ciphertext.</summary>
[GenerateSerializer, Immutable, Alias("xchat.MessageEnvelope")]
public sealed record MessageEnvelope(
    [property: Id(0)] string ConversationId,
    [property: Id(1)] long Seq,
    [property: Id(2)] DeviceAddress Sender,
    [property: Id(3)] string ClientMessageId,
    [property: Id(4)] long ServerTimestampMs,
    [property: Id(5)] byte[]? SharedCiphertext,
    [property: Id(6)] byte[]? DeviceCiphertext,
    [property: Id(7)] bool Deleted = false)
{
    /// <summary>When the message disappears (Unix ms, server time); null when it does not.</summary>
    [Id(20)] public long? ExpiresAtMs { get; init; }

    /// <summary>True when the message expired: its ciphertexts are gone, only routing metadata remains.</summary>
    [Id(21)] public bool Erased { get; init; }

    /// <summary>True for a silent message (<see cref="AppendRequest.Silent"/>).</summary>
    [Id(22)] public bool Silent { get; init; }
}

/// <summary>One page of messages plus whether more exist in the paging direction.</summary>
[GenerateSerializer, Immutable, Alias("xchat.MessagePage")]
public sealed record MessagePage(
    [property: Id(0)] IReadOnlyList<MessageEnvelope> Messages,
    [property: Id(1)] bool HasMore,
    [property: Id(2)] long LastSeq);
