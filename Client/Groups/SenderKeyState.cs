using XChat.Client.Errors;

namespace XChat.Client.Groups;

/// <summary>
/// One chain of one sender: chain id, current chain key and iteration, the signing key (with its
/// private half when the chain is our own) and the keys skipped for messages still in flight.
/// </summary>
internal sealed class SenderKeyState
{
    // Ascending by iteration, so the oldest is first and dropped first.
    private readonly List<(uint Iteration, byte[] Seed)> _skipped;

    public SenderKeyState(uint chainId, uint iteration, byte[] chainKey, byte[] signingPublicKey, byte[]? signingPrivateKey)
        : this(chainId, iteration, iteration, chainKey, signingPublicKey, signingPrivateKey, [])
    {
    }

    private SenderKeyState(uint chainId, uint firstIteration, uint iteration, byte[] chainKey, byte[] signingPublicKey, byte[]? signingPrivateKey, List<(uint, byte[])> skipped)
    {
        ChainId = chainId;
        FirstIteration = firstIteration;
        Iteration = iteration;
        ChainKey = chainKey;
        SigningPublicKey = signingPublicKey;
        SigningPrivateKey = signingPrivateKey;
        _skipped = skipped;
    }

    public uint ChainId { get; }

    /// <summary>The iteration this device's copy of the chain started at: nothing before it can be derived.</summary>
    public uint FirstIteration { get; }

    /// <summary>The iteration of <see cref="ChainKey"/>: the next message to send, or the next expected.</summary>
    public uint Iteration { get; private set; }

    public byte[] ChainKey { get; private set; }

    public byte[] SigningPublicKey { get; }

    /// <summary>Present only in our own sending chain.</summary>
    public byte[]? SigningPrivateKey { get; }

    public int SkippedCount => _skipped.Count;

    /// <summary>The skipped message key seeds, oldest first (for the record codec).</summary>
    public IReadOnlyList<(uint Iteration, byte[] Seed)> Skipped => _skipped;

    /// <summary>A state read back from storage, exactly as it was written.</summary>
    public static SenderKeyState Restore(uint chainId, uint firstIteration, uint iteration, byte[] chainKey, byte[] signingPublicKey, byte[]? signingPrivateKey, List<(uint, byte[])> skipped) =>
        new(chainId, firstIteration, iteration, chainKey, signingPublicKey, signingPrivateKey, skipped);

    public SenderKeyState Clone() => new(ChainId, FirstIteration, Iteration, ChainKey, SigningPublicKey, SigningPrivateKey, [.. _skipped]);

    /// <summary>The message key seed of the next iteration, for sending; the chain moves one step.</summary>
    public (uint Iteration, byte[] Seed) NextSendingKey()
    {
        if (Iteration == uint.MaxValue)
        {
            throw new InvalidOperationException("The sender chain is exhausted; rotate the sender key.");
        }

        var iteration = Iteration;
        var (seed, next) = SenderKeyKdf.Chain(ChainKey);
        ChainKey = next;
        Iteration++;
        return (iteration, seed);
    }

    /// <summary>
    /// The message key seed of <paramref name="iteration"/>, for receiving: a skipped key (then
    /// deleted), or the chain advanced to it with the keys in between kept as skipped.
    /// </summary>
    public byte[] ReceivingKey(uint iteration)
    {
        if (iteration < Iteration)
        {
            var index = _skipped.FindIndex(entry => entry.Iteration == iteration);
            if (index >= 0)
            {
                var seed = _skipped[index].Seed;
                _skipped.RemoveAt(index);
                return seed;
            }

            if (iteration < FirstIteration)
            {
                throw new InvalidMessageException("The message was sent before this device received the sender key.");
            }

            throw new DuplicateMessageException("The group message was already received, or its key was dropped.");
        }

        if (iteration - Iteration > SenderKeyLimits.MaxForwardJump)
        {
            throw new InvalidMessageException("The group message is too far ahead in the sender's chain.");
        }

        while (Iteration < iteration)
        {
            var (skippedSeed, next) = SenderKeyKdf.Chain(ChainKey);
            _skipped.Add((Iteration, skippedSeed));
            if (_skipped.Count > SenderKeyLimits.MaxSkippedMessageKeys)
            {
                _skipped.RemoveAt(0);
            }

            ChainKey = next;
            Iteration++;
        }

        return NextSendingKey().Seed;
    }
}
