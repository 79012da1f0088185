using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
namespace XChat.Grains.Storage;

/// <summary>Registers a message store backend as the silo's <see cref="IMessageStore"/>.</summary>
public static class MessageStoreServiceCollectionExtensions
{
    /// <summary>
    /// The SQLite message store (standalone mode) as a singleton <see cref="IMessageStore"/>.
    /// Options can also be bound from configuration with
    /// <c>services.AddOptions&lt;SqliteMessageStoreOptions&gt;().BindConfiguration(...)</c>;
    /// they are validated at start. The schema is created during silo start (see
    /// <see cref="MessageStoreLifecycleParticipant"/>); the container disposes the store, which
    /// commits what is queued first.
    /// </summary>
    public static IServiceCollection AddSqliteMessageStore(this IServiceCollection services, Action<SqliteMessageStoreOptions>? configure = null)
    {
        AddOptions(services, configure);
        return AddStore<SqliteMessageStore>(services);
    }

    /// <summary>
    /// The PostgreSQL message store (cluster mode) as a singleton <see cref="IMessageStore"/>.
    /// Same lifecycle as <see cref="AddSqliteMessageStore"/>.
    /// </summary>
    public static IServiceCollection AddPostgresMessageStore(this IServiceCollection services, Action<PostgresMessageStoreOptions>? configure = null)
    {
        AddOptions(services, configure);
        return AddStore<PostgresMessageStore>(services);
    }

    private static void AddOptions<TOptions>(IServiceCollection services, Action<TOptions>? configure)
        where TOptions : MessageStoreOptions
    {
        var builder = services.AddOptions<TOptions>();
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        builder.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, MessageStoreOptionsValidator<TOptions>>());
    }

    private static IServiceCollection AddStore<TStore>(IServiceCollection services)
        where TStore : class, IMessageStore
    {
        if (services.Any(d => d.ServiceType == typeof(IMessageStore)))
        {
            throw new InvalidOperationException("A message store is already registered; register exactly one backend.");
        }

        services.AddSingleton<TStore>();
        services.AddSingleton<IMessageStore>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, MessageStoreLifecycleParticipant>();
        return services;
    }
}
