using System.ComponentModel.DataAnnotations;

namespace XChat.Grains.Sweeping;

/// <summary>Background sweeps of the silo. Bound from the configuration section "XChat:Sweep".</summary>
public sealed class SweepOptions : IValidatableObject
{
    public const string SectionName = "XChat:Sweep";

    /// <summary>
    /// How often expired disappearing messages are erased from the message store: an expired message's
    /// ciphertext is gone from storage at most this long (plus one sweep's run time) after it expired.
    /// Readers never receive it after its expiry either way. The default is 10 seconds.
    /// </summary>
    public TimeSpan ExpiredMessageSweepInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often uploads are looked at for collection. The default is five minutes.</summary>
    public TimeSpan AttachmentSweepInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long an upload that no sent message references is kept before it is deleted (finished or not).
    /// The default is 24 hours.
    /// </summary>
    public TimeSpan UnreferencedAttachmentLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Most rows (or attachments) one sweep round erases before it starts the next round at once. The default is 1,000.</summary>
    [Range(1, 100_000)]
    public int BatchSize { get; set; } = 1000;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ExpiredMessageSweepInterval < TimeSpan.FromMilliseconds(100) || ExpiredMessageSweepInterval > TimeSpan.FromHours(1))
        {
            yield return new ValidationResult("ExpiredMessageSweepInterval must be between 100 ms and one hour.", [nameof(ExpiredMessageSweepInterval)]);
        }

        if (AttachmentSweepInterval < TimeSpan.FromMilliseconds(100) || AttachmentSweepInterval > TimeSpan.FromDays(1))
        {
            yield return new ValidationResult("AttachmentSweepInterval must be between 100 ms and one day.", [nameof(AttachmentSweepInterval)]);
        }

        if (UnreferencedAttachmentLifetime < TimeSpan.FromSeconds(1))
        {
            yield return new ValidationResult("UnreferencedAttachmentLifetime must be at least one second.", [nameof(UnreferencedAttachmentLifetime)]);
        }
    }
}
