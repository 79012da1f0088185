using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using XChat.Grains.Attachments;

namespace XChat.Grains.Sweeping;

/// <summary>Deletes uploads no message referenced within <see cref="SweepOptions.UnreferencedAttachmentLifetime"/>, and attachments of expired disappearing messages.</summary>
public sealed class AttachmentSweeper(IAttachmentStore store, IOptions<SweepOptions> options, TimeProvider time, ILogger<AttachmentSweeper> logger)
    : PeriodicSweeper(time, logger)
{
    protected override TimeSpan Interval => options.Value.AttachmentSweepInterval;

    protected override int BatchSize => options.Value.BatchSize;

    protected override string Name => "Attachment";

    protected override async Task<int> SweepOnceAsync(CancellationToken cancellationToken)
    {
        var now = Time.GetUtcNow();
        var ids = await store.FindCollectableAsync((now - options.Value.UnreferencedAttachmentLifetime).ToUnixTimeMilliseconds(),
            now.ToUnixTimeMilliseconds(), BatchSize, cancellationToken).ConfigureAwait(false);
        foreach (var id in ids)
        {
            await store.DeleteAsync(id, cancellationToken).ConfigureAwait(false);
        }

        return ids.Count;
    }
}
