namespace XChat.Grains.Storage;

/// <summary>Settings shared by every message store backend.</summary>
public abstract class MessageStoreOptions
{
    /// <summary>
    /// The most rows (messages plus cursor updates) the writer puts into one group-commit
    /// transaction. Callers are never split: a single call larger than this is committed alone.
    /// Larger batches amortize the commit (fsync) further but hold the write lock longer and
    /// delay the first caller of the batch. The default is 1,000 rows.
    /// </summary>
    public int MaxBatchRows { get; set; } = 1000;

    /// <summary>The problems with these settings; empty when they are usable.</summary>
    public virtual IEnumerable<string> Validate()
    {
        if (MaxBatchRows < 1)
        {
            yield return $"{nameof(MaxBatchRows)} must be at least 1.";
        }
    }
}
