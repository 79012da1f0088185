using System.Data.Common;
using Microsoft.Extensions.Logging;
using XChat.Grains.Conversations;

namespace XChat.Grains.Storage;

/// <summary>
/// What the SQLite and PostgreSQL stores share: validation, the group-commit writer for appends
/// and cursors, and the reads whose SQL is the same on both. A backend supplies schema creation,
/// reader connections, the batch transaction and the client-id lookup.
/// </summary>
public abstract partial class RelationalMessageStore : IMessageStore, IAsyncDisposable, IDisposable
{
    private readonly GroupCommitWriter _writer;
    private int _disposed;

    private protected RelationalMessageStore(MessageStoreOptions options, ILogger logger)
    {
        var problems = options.Validate().ToList();
        if (problems.Count > 0)
        {
            throw new Microsoft.Extensions.Options.OptionsValidationException(options.GetType().Name, options.GetType(), problems);
        }

        // The loop only calls CommitBatchAsync once something is queued, i.e. after construction.
        _writer = new GroupCommitWriter(CommitBatchAsync, options.MaxBatchRows, logger);
    }

    /// <summary>Transactions the writer has committed; fewer than write calls when group commit works.</summary>
    internal long CommitCount => _writer.CommitCount;

    /// <summary>Combined transactions that failed and were retried caller by caller.</summary>
    internal long IsolatedRetryCount => _writer.IsolatedRetryCount;

    /// <summary>Wall time the writer spent inside transactions.</summary>
    internal TimeSpan TimeInTransactions => _writer.TimeInTransactions;

    /// <summary>Write requests queued and not yet taken into a transaction.</summary>
    internal int QueuedCount => _writer.QueuedCount;

    public abstract Task InitializeAsync(CancellationToken cancellationToken = default);

    public Task AppendAsync(IReadOnlyList<StoredMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0)
        {
            return Task.CompletedTask;
        }

        // The contract: one conversation, consecutive seqs. Anything else is a bug in the caller.
        for (var i = 1; i < messages.Count; i++)
        {
            if (!string.Equals(messages[i].ConversationId, messages[0].ConversationId, StringComparison.Ordinal)
                || messages[i].Seq != messages[i - 1].Seq + 1)
            {
                throw new ArgumentException("An append holds messages of one conversation with consecutive seqs.", nameof(messages));
            }
        }

        return _writer.EnqueueAsync(new WriteRequest(messages, [], cancellationToken));
    }

    public Task SaveCursorsAsync(IReadOnlyList<CursorUpdate> cursors, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cursors);
        return cursors.Count == 0 ? Task.CompletedTask : _writer.EnqueueAsync(new WriteRequest([], cursors, cancellationToken));
    }

    public Task<IReadOnlyList<StoredMessage>> ReadAfterAsync(string conversationId, long afterSeq, int limit, CancellationToken cancellationToken = default) =>
        ReadPageAsync(MessageStoreSql.ReadAfter, conversationId, afterSeq, limit, cancellationToken);

    public Task<IReadOnlyList<StoredMessage>> ReadBeforeAsync(string conversationId, long beforeSeq, int limit, CancellationToken cancellationToken = default) =>
        ReadPageAsync(MessageStoreSql.ReadBefore, conversationId, beforeSeq, limit, cancellationToken);

    public async Task<long> GetLastSeqAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = MessageStoreSql.LastSeq;
        AddParameter(command, "conversation", conversationId);
        var result = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return result is null or DBNull ? 0 : Convert.ToInt64(result, System.Globalization.CultureInfo.InvariantCulture);
    }

    public abstract Task<IReadOnlyDictionary<ClientMessageKey, StoredMessageRef>> FindByClientIdsAsync(
        string conversationId, IReadOnlyCollection<ClientMessageKey> keys, CancellationToken cancellationToken = default);

    public async Task<IReadOnlyList<ClientMessageKey>> ReadClientKeysAsync(string conversationId, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        if (limit == 0)
        {
            return [];
        }

        await using var connection = await OpenReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = MessageStoreSql.ClientKeys;
        AddParameter(command, "conversation", conversationId);
        AddParameter(command, "limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var keys = new List<ClientMessageKey>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var sender = new DeviceAddress(reader.GetString(0), checked((uint)reader.GetInt64(1)));
            keys.Add(new ClientMessageKey(sender.Key, reader.GetString(2)));
        }

        return keys;
    }

    public async Task<IReadOnlyDictionary<string, long>> LoadCursorsAsync(string deviceKey, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = MessageStoreSql.LoadCursors;
        AddParameter(command, "device", deviceKey);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var cursors = new Dictionary<string, long>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            cursors[reader.GetString(0)] = reader.GetInt64(1);
        }

        return cursors;
    }

    /// <summary>Commits what is queued, stops the writer, then releases the backend's connections.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _writer.DisposeAsync().ConfigureAwait(false);
        await DisposeConnectionsAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Blocking <see cref="DisposeAsync"/>, for containers disposed synchronously: they refuse
    /// services that are only <see cref="IAsyncDisposable"/>.
    /// </summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>An open connection for one read; disposing it returns it to the pool.</summary>
    private protected abstract ValueTask<DbConnection> OpenReadConnectionAsync(CancellationToken cancellationToken);

    /// <summary>Writes all rows of the requests in one transaction, or throws having written nothing. Called by the writer loop only.</summary>
    private protected abstract Task CommitBatchAsync(IReadOnlyList<WriteRequest> batch, CancellationToken cancellationToken);

    /// <summary>Releases the backend's connections after the writer has stopped.</summary>
    private protected abstract ValueTask DisposeConnectionsAsync();

    private protected static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    private async Task<IReadOnlyList<StoredMessage>> ReadPageAsync(string sql, string conversationId, long seq, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        if (limit == 0)
        {
            return [];
        }

        await using var connection = await OpenReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        AddParameter(command, "conversation", conversationId);
        AddParameter(command, "seq", seq);
        AddParameter(command, "limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await MessageRows.ReadAllAsync(reader, cancellationToken).ConfigureAwait(false);
    }
}
