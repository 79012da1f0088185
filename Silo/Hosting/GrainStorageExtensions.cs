using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using XChat.Silo.Storage;

namespace XChat.Silo.Hosting;

/// <summary>Registers XChat's grain state storage: the Orleans ADO.NET provider on our own schema.</summary>
public static class GrainStorageExtensions
{
    /// <summary>The grain storage provider name grains use in <c>[PersistentState(..., "xchat")]</c>.</summary>
    public const string ProviderName = "xchat";

    /// <summary>
    /// Adds the ADO.NET grain storage provider named <see cref="ProviderName"/> (also the default provider) on
    /// SQLite or PostgreSQL, and a silo lifecycle step that creates the schema and query rows before the provider
    /// starts. For SQLite pass a connection string from <see cref="GrainStateSchema.SqliteConnectionString"/>.
    /// </summary>
    /// <remarks>
    /// The provider identifies a record by the <em>state name</em> (it arrives as "grain type") and the grain's
    /// key, not by the grain class: two grain classes with equal keys must use different state names
    /// (e.g. "user", "device"), or they share one row.
    /// </remarks>
    public static ISiloBuilder AddXChatGrainStorage(this ISiloBuilder builder, GrainStateStorageKind kind, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var invariant = GrainStateSchema.Invariant(kind);

        builder.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(services => new GrainStateSchemaInitializer(
            kind, connectionString, services.GetRequiredService<ILogger<GrainStateSchemaInitializer>>()));

        // DeleteStateOnClear stays false: a cleared row keeps its version, so a stale activation cannot write
        // over a clear (with a deleted row its null ETag would be accepted again).
        void Configure(Orleans.Configuration.AdoNetGrainStorageOptions options)
        {
            options.Invariant = invariant;
            options.ConnectionString = connectionString;
        }

        return builder
            .AddAdoNetGrainStorage(ProviderName, Configure)
            .AddAdoNetGrainStorageAsDefault(Configure);
    }
}
