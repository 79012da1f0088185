using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Orleans.Configuration;
using StackExchange.Redis;
using XChat.Gateway.Health;
using XChat.Gateway.Hosting;
using XChat.Grains.Hosting;
using XChat.Grains.Storage;
using XChat.Grains.Sweeping;
using XChat.Silo.Health;
using XChat.Silo.Storage;

namespace XChat.Silo.Hosting;

/// <summary>Everything the silo process registers, in one place.</summary>
public static class SiloHostingExtensions
{
    /// <summary>The SQLite file of a standalone server, for grain state and messages alike.</summary>
    public const string StandaloneDatabaseFile = "xchat.db";

    /// <summary>The folder under the data folder that holds attachment ciphertext in standalone mode.</summary>
    public const string AttachmentsFolder = "attachments";

    public static WebApplicationBuilder AddXChatSilo(this WebApplicationBuilder builder)
    {
        var settings = builder.Configuration.GetSection(XChatHostOptions.SectionName).Get<XChatHostOptions>() ?? new XChatHostOptions();
        builder.Services.AddXChatGrains(builder.Configuration);
        builder.Services.AddXChatSweepers(builder.Configuration);
        var health = builder.AddXChatObservability()
            .AddCheck<SiloStatusHealthCheck>("silo", tags: [ObservabilityExtensions.ReadyTag]);

        if (settings.Mode == HostMode.Standalone)
        {
            var dataDir = Path.GetFullPath(settings.DataDir);
            Directory.CreateDirectory(dataDir);
            var databasePath = Path.Combine(dataDir, StandaloneDatabaseFile);
            builder.Services.AddSqliteMessageStore(o => o.DatabasePath = databasePath);
            builder.Services.AddFileAttachmentStore(Path.Combine(dataDir, AttachmentsFolder));
            var ports = settings.Cluster;
            builder.UseOrleans(silo => silo
                .UseLocalhostClustering(ports.SiloPort, ports.GatewayPort, serviceId: ports.ServiceId, clusterId: ports.ClusterId)
                .AddXChatGrainStorage(GrainStateStorageKind.Sqlite, GrainStateSchema.SqliteConnectionString(databasePath)));
            builder.Services.AddWebSocketGateway(builder.Configuration);
            // Read-write without create: a vanished data folder or file reads as unhealthy instead of being recreated empty.
            var probe = new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString();
            health.Add(ReadyCheck("storage", _ => new StorageHealthCheck(SqliteFactory.Instance, probe)));
        }
        else
        {
            var cluster = settings.Cluster;
            if (string.IsNullOrWhiteSpace(cluster.Postgres))
            {
                throw new InvalidOperationException("Cluster mode needs XChat:Cluster:Postgres (an Npgsql connection string).");
            }

            builder.Services.AddPostgresMessageStore(o => o.ConnectionString = cluster.Postgres);
            builder.Services.AddPostgresAttachmentStore(cluster.Postgres);
            builder.Services.AddSingleton(_ => new RedisHealthCheck(cluster.Redis));
            health.Add(ReadyCheck("storage", _ => new StorageHealthCheck(NpgsqlFactory.Instance, cluster.Postgres)))
                .Add(ReadyCheck("redis", services => services.GetRequiredService<RedisHealthCheck>()));
            builder.UseOrleans(silo =>
            {
                silo.Configure<ClusterOptions>(o => { o.ServiceId = cluster.ServiceId; o.ClusterId = cluster.ClusterId; })
                    .UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(cluster.Redis))
                    .ConfigureEndpoints(IPAddress.Parse(cluster.AdvertisedAddress), cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: cluster.AdvertisedAddress != "127.0.0.1")
                    .AddXChatGrainStorage(GrainStateStorageKind.PostgreSql, cluster.Postgres);
                silo.Configure<ClusterMembershipOptions>(o =>
                {
                    o.ProbeTimeout = cluster.ProbeTimeout;
                    o.NumMissedProbesLimit = cluster.NumMissedProbesLimit;
                });
                // See ClusterSettings.ResponseTimeout: fail calls into a dead silo early, retries are idempotent.
                silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = cluster.ResponseTimeout);
                if (RunsInKubernetes)
                {
                    // Silo name from POD_NAME; the pod watcher declares silos of deleted pods dead at once
                    // (pods need the orleans/serviceId and orleans/clusterId labels, see k8s/). Our
                    // ConfigureEndpoints above still decides the advertised address (the pod IP).
                    silo.UseKubernetesHosting();
                }
            });
        }

        return builder;
    }

    /// <summary>True inside a Kubernetes pod (the kubelet sets KUBERNETES_SERVICE_HOST), so local runs are unchanged.</summary>
    public static bool RunsInKubernetes => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST"));

    /// <summary>Maps /metrics, /alive and /health, and the WebSocket endpoint when this process serves clients (standalone mode).</summary>
    public static WebApplication MapXChatSilo(this WebApplication app)
    {
        app.MapXChatObservability();
        var settings = app.Configuration.GetSection(XChatHostOptions.SectionName).Get<XChatHostOptions>() ?? new XChatHostOptions();
        if (settings.Mode == HostMode.Standalone)
        {
            app.UseWebSockets();
            app.MapWebSocketGateway("/ws");
        }

        return app;
    }

    private static HealthCheckRegistration ReadyCheck(string name, Func<IServiceProvider, IHealthCheck> create) =>
        new(name, create, failureStatus: null, tags: [ObservabilityExtensions.ReadyTag]);
}
