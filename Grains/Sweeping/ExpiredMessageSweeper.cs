using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using XChat.Grains.Storage;
using XChat.Grains.Storage.Expiry;

namespace XChat.Grains.Sweeping;

/// <summary>
/// Erases the ciphertext of expired disappearing messages from the message store. The expiry is in each
/// row, so the sweep is durable: after a restart the first round erases whatever expired meanwhile.
/// </summary>
public sealed class ExpiredMessageSweeper(IMessageStore store, IOptions<SweepOptions> options, TimeProvider time, ILogger<ExpiredMessageSweeper> logger)
    : PeriodicSweeper(time, logger)
{
    private readonly IMessageExpiry _expiry = store as IMessageExpiry
        ?? throw new InvalidOperationException($"The message store {store.GetType().Name} cannot erase expired messages.");

    protected override TimeSpan Interval => options.Value.ExpiredMessageSweepInterval;

    protected override int BatchSize => options.Value.BatchSize;

    protected override string Name => "Expired message";

    protected override Task<int> SweepOnceAsync(CancellationToken cancellationToken) =>
        _expiry.EraseExpiredAsync(Time.GetUtcNow().ToUnixTimeMilliseconds(), BatchSize, cancellationToken);
}
