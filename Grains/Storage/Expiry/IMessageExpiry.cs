namespace XChat.Grains.Storage.Expiry;

/// <summary>
/// Erases expired disappearing messages: both ciphertexts become NULL and the expiry is cleared, so the
/// row leaves the partial expiry index. The row itself stays (seq order stays gap-free and the client
/// message id still answers a retried send); readers see it as erased.
/// </summary>
public interface IMessageExpiry
{
    /// <summary>Erases at most <paramref name="limit"/> messages whose expiry is at or before <paramref name="nowMs"/> (Unix ms); returns how many.</summary>
    Task<int> EraseExpiredAsync(long nowMs, int limit, CancellationToken cancellationToken = default);
}
