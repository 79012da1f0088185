using System.Data.Common;
using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using XChat.Grains.Errors;
using XChat.Grains.Hosting;

namespace XChat.Grains.Storage;

/// <summary>
/// The single writer loop of a message store: callers queue their rows, and every request that
/// arrived while the previous transaction was in flight goes into the next transaction together
/// (group commit). No timer: an idle store commits a lone request at once.
/// </summary>
internal sealed partial class GroupCommitWriter : IAsyncDisposable
{
    /// <summary>Commits all rows of the given requests in ONE transaction, or throws and commits nothing.</summary>
    public delegate Task CommitBatch(IReadOnlyList<WriteRequest> batch, CancellationToken cancellationToken);

    private readonly Channel<WriteRequest> _queue = Channel.CreateUnbounded<WriteRequest>(
        new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = false });

    private readonly CommitBatch _commit;
    private readonly int _maxBatchRows;
    private readonly ILogger _logger;
    private readonly Task _loop;
    private long _commitCount;
    private long _isolatedRetryCount;
    private long _commitTicks;
    private int _queuedCount; // the single-reader channel does not count its items

    public GroupCommitWriter(CommitBatch commit, int maxBatchRows, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchRows, 1);
        _commit = commit;
        _maxBatchRows = maxBatchRows;
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Transactions committed so far (combined and isolated retries).</summary>
    public long CommitCount => Interlocked.Read(ref _commitCount);

    /// <summary>How often a combined transaction failed and its callers were retried one by one.</summary>
    public long IsolatedRetryCount => Interlocked.Read(ref _isolatedRetryCount);

    /// <summary>Wall time the writer spent inside transactions, successful or not.</summary>
    public TimeSpan TimeInTransactions => TimeSpan.FromTicks(Interlocked.Read(ref _commitTicks));

    /// <summary>Requests queued and not yet taken into a transaction.</summary>
    public int QueuedCount => Volatile.Read(ref _queuedCount);

    /// <summary>Queues the rows; the task completes once they are committed.</summary>
    public Task EnqueueAsync(WriteRequest request)
    {
        if (request.CancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(request.CancellationToken);
        }

        Interlocked.Increment(ref _queuedCount);
        if (!_queue.Writer.TryWrite(request))
        {
            Interlocked.Decrement(ref _queuedCount);
            return Task.FromException(new StorageUnavailableException("The message store is shutting down."));
        }

        return request.Completion.Task;
    }

    /// <summary>Stops taking requests, commits everything already queued, then ends the loop.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        var batch = new List<WriteRequest>();
        WriteRequest? carried = null;
        while (carried is not null || await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            var rows = 0;
            if (carried is not null)
            {
                batch.Add(carried);
                rows = carried.RowCount;
                carried = null;
            }

            while (rows < _maxBatchRows && _queue.Reader.TryRead(out var next))
            {
                Interlocked.Decrement(ref _queuedCount);
                if (next.CancellationToken.IsCancellationRequested)
                {
                    next.Completion.TrySetCanceled(next.CancellationToken);
                    continue;
                }

                // A caller is never split (its rows are atomic): one that does not fit opens the next batch.
                if (batch.Count > 0 && rows + next.RowCount > _maxBatchRows)
                {
                    carried = next;
                    break;
                }

                batch.Add(next);
                rows += next.RowCount;
            }

            if (batch.Count > 0)
            {
                await CommitAsync(batch, rows).ConfigureAwait(false);
                batch.Clear();
            }
        }
    }

    private async Task CommitAsync(List<WriteRequest> batch, int rows)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            // Not the callers' tokens: once started, a transaction shared by many callers runs to its end.
            await _commit(batch, CancellationToken.None).ConfigureAwait(false);
            Interlocked.Increment(ref _commitCount);
            var elapsed = Stopwatch.GetElapsedTime(started);
            Interlocked.Add(ref _commitTicks, elapsed.Ticks);
            LogBatchCommitted(_logger, batch.Count, rows, elapsed.TotalMilliseconds);
            XChatMetrics.StorageCommitted(rows, elapsed);
            foreach (var request in batch)
            {
                request.Completion.TrySetResult();
            }

            return;
        }
        catch (Exception exception) when (batch.Count > 1)
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            Interlocked.Add(ref _commitTicks, elapsed.Ticks);
            XChatMetrics.StorageCommitted(rows, elapsed);
            Interlocked.Increment(ref _isolatedRetryCount);
            LogBatchFailed(_logger, batch.Count, rows, exception.GetType().Name, ErrorCode(exception));
        }
        catch (Exception exception)
        {
            Fail(batch[0], exception);
            return;
        }

        // One caller's bad rows (say a duplicate seq from a duplicate activation) must not fail the
        // others: retry each caller alone so only the offender fails. A COMMIT whose outcome was lost
        // can make a retry hit its own rows and fail; the grain's idempotent retry then finds them.
        foreach (var request in batch)
        {
            try
            {
                await _commit([request], CancellationToken.None).ConfigureAwait(false);
                Interlocked.Increment(ref _commitCount);
                request.Completion.TrySetResult();
            }
            catch (Exception exception)
            {
                Fail(request, exception);
            }
        }
    }

    private void Fail(WriteRequest request, Exception exception)
    {
        var code = ErrorCode(exception);
        LogRequestFailed(_logger, request.Messages.Count, request.Cursors.Count, exception.GetType().Name, code);
        // The database's message may quote key values; the caller gets the condition and the code only.
        request.Completion.TrySetException(new StorageUnavailableException(
            $"Storage refused the write (a duplicate seq or client message id, or a database failure; code {code}); nothing of it was stored."));
    }

    private static string ErrorCode(Exception exception) => exception switch
    {
        DbException { SqlState: { } sqlState } => sqlState,
        DbException db => db.ErrorCode.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => "none",
    };
}
