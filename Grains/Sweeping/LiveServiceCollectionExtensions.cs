using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Orleans.Runtime;
using XChat.Grains.Attachments;

namespace XChat.Grains.Sweeping;

/// <summary>Registers the blob store of attachments and the background sweeps (expired messages, unreferenced uploads).</summary>
public static class LiveServiceCollectionExtensions
{
    /// <summary>Attachments as files under <paramref name="directory"/> (standalone mode).</summary>
    public static IServiceCollection AddFileAttachmentStore(this IServiceCollection services, string directory) =>
        AddAttachmentStore(services, _ => new FileAttachmentStore(directory));

    /// <summary>Attachments in PostgreSQL (cluster mode).</summary>
    public static IServiceCollection AddPostgresAttachmentStore(this IServiceCollection services, string connectionString) =>
        AddAttachmentStore(services, _ => new PostgresAttachmentStore(connectionString));

    /// <summary>The expired-message and attachment sweeps, with <see cref="SweepOptions"/> bound from "XChat:Sweep" and validated at start.</summary>
    public static IServiceCollection AddXChatSweepers(this IServiceCollection services, IConfiguration? configuration = null)
    {
        var options = services.AddOptions<SweepOptions>();
        if (configuration is not null)
        {
            options.Bind(configuration.GetSection(SweepOptions.SectionName));
        }

        options.ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ExpiredMessageSweeper>();
        services.AddSingleton<AttachmentSweeper>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<ExpiredMessageSweeper>());
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<AttachmentSweeper>());
        return services;
    }

    private static IServiceCollection AddAttachmentStore(IServiceCollection services, Func<IServiceProvider, IAttachmentStore> create)
    {
        services.AddSingleton(create);
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, AttachmentStoreLifecycleParticipant>();
        return services;
    }
}

/// <summary>Creates the blob store's folders or tables while the silo starts, before any grain can reach it.</summary>
internal sealed class AttachmentStoreLifecycleParticipant(IAttachmentStore store) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(AttachmentStoreLifecycleParticipant), ServiceLifecycleStage.RuntimeStorageServices, store.InitializeAsync);
}
