using Microsoft.Data.Sqlite;

namespace XChat.Grains.Storage;

/// <summary>
/// Checkpoints the WAL into the database file from a connection of its own, once a second. The
/// writer has automatic checkpoints turned off: SQLite would otherwise run them inside the commit
/// that crosses the threshold, on the single writer, holding up every queued append. A passive
/// checkpoint never blocks the writer or the readers; the WAL is reused once one completes.
/// </summary>
internal sealed class SqliteCheckpointer : IAsyncDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public SqliteCheckpointer(string connectionString) => _loop = Task.Run(() => RunAsync(connectionString));

    private async Task RunAsync(string connectionString)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                try
                {
                    await using var connection = new SqliteConnection(connectionString);
                    await connection.OpenAsync(_stop.Token).ConfigureAwait(false);
                    await using var command = connection.CreateCommand();
                    command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
                    await command.ExecuteNonQueryAsync(_stop.Token).ConfigureAwait(false);
                }
                catch (SqliteException)
                {
                    // Busy or locked: the next tick tries again; the WAL only grows meanwhile.
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }
}
