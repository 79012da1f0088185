using Npgsql;
using XChat.Grains.Storage.Expiry;

namespace XChat.Grains.Storage;

public sealed partial class PostgresMessageStore : IMessageExpiry
{
    public async Task<int> EraseExpiredAsync(long nowMs, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var command = _dataSource.CreateCommand(ExpirySql.EraseExpired);
        command.Parameters.Add(new NpgsqlParameter<long>("now", nowMs));
        command.Parameters.Add(new NpgsqlParameter<int>("limit", limit));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
