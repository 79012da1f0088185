using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace XChat.Gateway.Health;

/// <summary>Ready only while the membership Redis answers a PING. Keeps one connection open between checks.</summary>
public sealed class RedisHealthCheck(string configuration) : IHealthCheck, IAsyncDisposable
{
    /// <summary>How long connecting may take. The default is 3 seconds.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(3);

    private readonly SemaphoreSlim _connecting = new(1, 1);
    private ConnectionMultiplexer? _connection;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var connection = await ConnectAsync(cancellationToken);
            var latency = await connection.GetDatabase().PingAsync().WaitAsync(cancellationToken);
            return HealthCheckResult.Healthy($"Redis answered PING in {latency.TotalMilliseconds:0.#} ms.");
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "Redis did not answer PING.", exception);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is { } connection)
        {
            await connection.DisposeAsync();
        }

        _connecting.Dispose();
    }

    private async Task<ConnectionMultiplexer> ConnectAsync(CancellationToken cancellationToken)
    {
        if (_connection is { } existing)
        {
            return existing;
        }

        await _connecting.WaitAsync(cancellationToken);
        try
        {
            if (_connection is null)
            {
                var options = ConfigurationOptions.Parse(configuration);
                // Not failing on connect lets the multiplexer reconnect by itself once Redis is back.
                options.AbortOnConnectFail = false;
                options.ConnectTimeout = (int)ConnectTimeout.TotalMilliseconds;
                options.ClientName = "xchat-health";
                _connection = await ConnectionMultiplexer.ConnectAsync(options);
            }

            return _connection;
        }
        finally
        {
            _connecting.Release();
        }
    }
}
