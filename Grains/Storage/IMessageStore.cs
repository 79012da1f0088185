using XChat.Grains.Conversations;

namespace XChat.Grains.Storage;

/// <summary>
/// The durable message log and delivery cursors. One implementation per database (SQLite for
/// standalone, PostgreSQL for a cluster). Appends and cursor writes from many grains that arrive
/// while a commit is in flight are committed together in the next transaction (group commit);
/// a returned task completes only after its rows are committed.
/// </summary>
public interface IMessageStore
{
    /// <summary>Creates the tables and indexes if they do not exist. Idempotent.</summary>
    Task InitializeAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Inserts the messages (all of one conversation, consecutive seqs) in one transaction.
    /// Throws <see cref="Errors.StorageUnavailableException"/> when (conversation, seq) or
    /// (conversation, sender device, client message id) already exists, or the database fails;
    /// then nothing of this call is stored.
    /// </summary>
    Task AppendAsync(IReadOnlyList<StoredMessage> messages, CancellationToken cancellationToken = default);

    /// <summary>Messages with seq &gt; afterSeq in ascending order, at most limit.</summary>
    Task<IReadOnlyList<StoredMessage>> ReadAfterAsync(string conversationId, long afterSeq, int limit, CancellationToken cancellationToken = default);

    /// <summary>Messages with seq &lt; beforeSeq in descending order, at most limit.</summary>
    Task<IReadOnlyList<StoredMessage>> ReadBeforeAsync(string conversationId, long beforeSeq, int limit, CancellationToken cancellationToken = default);

    /// <summary>The highest stored seq of the conversation, 0 when it has none.</summary>
    Task<long> GetLastSeqAsync(string conversationId, CancellationToken cancellationToken = default);

    /// <summary>For the given (sender device key, client message id) pairs that are already stored, their seq and timestamp.</summary>
    Task<IReadOnlyDictionary<ClientMessageKey, StoredMessageRef>> FindByClientIdsAsync(
        string conversationId, IReadOnlyCollection<ClientMessageKey> keys, CancellationToken cancellationToken = default);

    /// <summary>The (sender device key, client message id) of the conversation's first messages in seq order, at most limit.</summary>
    Task<IReadOnlyList<ClientMessageKey>> ReadClientKeysAsync(string conversationId, int limit, CancellationToken cancellationToken = default);

    /// <summary>Upserts delivery cursors, keeping the maximum of the stored and the given seq. Group-committed.</summary>
    Task SaveCursorsAsync(IReadOnlyList<CursorUpdate> cursors, CancellationToken cancellationToken = default);

    /// <summary>All cursors of one device (key "{userId}/{deviceId}").</summary>
    Task<IReadOnlyDictionary<string, long>> LoadCursorsAsync(string deviceKey, CancellationToken cancellationToken = default);

    /// <summary>
    /// Turns one message into a tombstone: erases its shared ciphertext (and its per-device ciphertexts
    /// unless <paramref name="keepDeviceCiphertexts"/>) and records when. False when there is no such
    /// row or it already is a tombstone; then nothing changes. Not group-committed: deletions are rare.
    /// </summary>
    Task<bool> EraseMessageAsync(string conversationId, long seq, long deletedMs, bool keepDeviceCiphertexts, CancellationToken cancellationToken = default);

    /// <summary>Messages with seq &gt; afterSeq that <paramref name="readerUserId"/> did not send and that are neither tombstones nor silent nor quiet.</summary>
    Task<long> CountUnreadAsync(string conversationId, long afterSeq, string readerUserId, CancellationToken cancellationToken = default);

    /// <summary>The server time of the newest message with seq &gt; afterSeq that is neither silent nor quiet; null when there is none.</summary>
    Task<long?> GetLastActivityAsync(string conversationId, long afterSeq, CancellationToken cancellationToken = default);
}

/// <summary>
/// One stored message row. Ciphertexts are opaque. <paramref name="ExpiresAtMs"/> (Unix ms) is set for
/// disappearing messages; once expired the sweep erases both ciphertexts (<see cref="IsErased"/>).
/// <paramref name="DeletedMs"/> is set on a tombstone (deleted for everyone). <paramref name="Silent"/> marks a
/// silent message (a receipt): not unread, not activity.
/// </summary>
public sealed record StoredMessage(
    string ConversationId,
    long Seq,
    DeviceAddress Sender,
    string ClientMessageId,
    long ServerTimestampMs,
    byte[]? SharedCiphertext,
    IReadOnlyList<DeviceCiphertext> DeviceCiphertexts,
    long? DeletedMs = null,
    long? ExpiresAtMs = null,
    bool Silent = false,
    bool Quiet = false)
{
    /// <summary>A sent message always carries a ciphertext; a row with none, and no tombstone, was erased (expired).</summary>
    public bool IsErased => DeletedMs is null && SharedCiphertext is null && DeviceCiphertexts.Count == 0;
}

/// <summary>The idempotency key of a send: the sending device and its client message id.</summary>
/// <remarks>
/// A send's key goes through several dictionaries in the conversation grain (the sends in flight,
/// then the recent ones, each looked up, added and removed), so its hash is computed once, here. It is
/// the strings' own randomized hash, as a record's would be: the ids are chosen by clients. The
/// properties have no <c>init</c>, so a <c>with</c> expression cannot leave a stale hash behind.
/// </remarks>
public readonly struct ClientMessageKey : IEquatable<ClientMessageKey>
{
    private readonly int _hash;

    public ClientMessageKey(string senderDeviceKey, string clientMessageId)
    {
        ArgumentNullException.ThrowIfNull(senderDeviceKey);
        ArgumentNullException.ThrowIfNull(clientMessageId);
        SenderDeviceKey = senderDeviceKey;
        ClientMessageId = clientMessageId;
        _hash = HashCode.Combine(senderDeviceKey, clientMessageId);
    }

    public string SenderDeviceKey { get; }

    public string ClientMessageId { get; }

    public static bool operator ==(ClientMessageKey left, ClientMessageKey right) => left.Equals(right);

    public static bool operator !=(ClientMessageKey left, ClientMessageKey right) => !left.Equals(right);

    public bool Equals(ClientMessageKey other) =>
        _hash == other._hash
        && string.Equals(ClientMessageId, other.ClientMessageId, StringComparison.Ordinal)
        && string.Equals(SenderDeviceKey, other.SenderDeviceKey, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is ClientMessageKey other && Equals(other);

    public override int GetHashCode() => _hash;

    public override string ToString() => $"{SenderDeviceKey} {ClientMessageId}";
}

/// <summary>Where an already stored message sits.</summary>
public readonly record struct StoredMessageRef(long Seq, long ServerTimestampMs);

/// <summary>A device's cursor in one conversation.</summary>
public readonly record struct CursorUpdate(string DeviceKey, string ConversationId, long Seq);
