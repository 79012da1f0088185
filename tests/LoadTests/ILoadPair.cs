namespace XChat.LoadTests;

/// <summary>One sender and its partner, over XChat or over the bare relay.</summary>
internal interface ILoadPair : IAsyncDisposable
{
    /// <summary>True when a send leaves the window only at receipt (the relay has no acknowledgement).</summary>
    bool WindowEndsAtReceipt { get; }

    /// <summary>Sends one payload; completes when the target acknowledges it (XChat: committed) or wrote it (relay).</summary>
    Task SendAsync(byte[] payload, CancellationToken cancellationToken);

    /// <summary>The partner's receipts in arrival order: the payload and the key its order is judged by.</summary>
    IAsyncEnumerable<Receipt> ReceiveAsync(CancellationToken cancellationToken);
}

/// <summary>One message as the partner received it. OrderKey must increase (XChat: seq; relay: index).</summary>
internal readonly record struct Receipt(ReadOnlyMemory<byte> Payload, long OrderKey, long ServerUnixMs = 0);
