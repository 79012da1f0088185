using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace XChat.Silo.Storage;

/// <summary>
/// Runs <see cref="GrainStateSchema.EnsureCreatedAsync"/> as a silo lifecycle step, before the grain storage
/// provider reads its queries.
/// </summary>
/// <remarks>
/// It subscribes at <see cref="ServiceLifecycleStage.RuntimeStorageServices"/> (6000); the ADO.NET provider
/// loads its query texts at its InitStage, <see cref="ServiceLifecycleStage.ApplicationServices"/> (10000) by
/// default, and no grain activates before <see cref="ServiceLifecycleStage.Active"/>. A failure stops the silo
/// from starting, which is what we want: a silo without its storage must not take grains.
/// </remarks>
internal sealed partial class GrainStateSchemaInitializer(
    GrainStateStorageKind kind,
    string connectionString,
    ILogger<GrainStateSchemaInitializer> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>The lifecycle stage at which the schema is set up.</summary>
    public const int Stage = ServiceLifecycleStage.RuntimeStorageServices;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(GrainStateSchemaInitializer), Stage, EnsureCreatedAsync);

    private async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await GrainStateSchema.EnsureCreatedAsync(kind, connectionString, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogSchemaFailed(logger, kind, exception);
            throw;
        }

        LogSchemaReady(logger, kind, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    // The connection string is never logged: it may carry a password.
    [LoggerMessage(Level = LogLevel.Information, Message = "Grain state schema ready on {Kind} in {ElapsedMs:F0} ms")]
    private static partial void LogSchemaReady(ILogger logger, GrainStateStorageKind kind, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Grain state schema setup on {Kind} failed; the silo cannot use its storage")]
    private static partial void LogSchemaFailed(ILogger logger, GrainStateStorageKind kind, Exception exception);
}
