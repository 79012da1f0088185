using System.Text.Json;
using k8s.Models;
using Npgsql;
using XChat.Gateway.Hosting;
using XChat.Silo.Hosting;

namespace XChat.Deploy.Tests;

/// <summary>The rendered manifests agree with each other and with the silo and gateway configuration.</summary>
public sealed class ManifestConsistencyTests
{
    private const string Silo = "xchat-silo";
    private const string Gateway = "xchat-gateway";

    public static TheoryData<string> Kustomizations() => new(Manifests.Kustomizations);

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public void Silo_CarriesOrleansKubernetesLabelsEqualToTheConfiguredIds(string kustomization)
    {
        var m = Manifests.Render(kustomization);
        var config = m.Get<V1ConfigMap>("xchat-config").Data;
        var labels = m.Get<V1Deployment>(Silo).Spec.Template.Metadata.Labels;

        Assert.Equal(config["XChat__Cluster__ServiceId"], labels["orleans/serviceId"]);
        Assert.Equal(config["XChat__Cluster__ClusterId"], labels["orleans/clusterId"]);
        Assert.Equal("Cluster", config["XChat__Mode"]);
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public void Silo_GetsPodFieldsAndAdvertisesItsPodIp(string kustomization)
    {
        var env = Container(Manifests.Render(kustomization), Silo).Env.ToDictionary(e => e.Name);

        Assert.Equal("metadata.name", env["POD_NAME"].ValueFrom?.FieldRef?.FieldPath);
        Assert.Equal("metadata.namespace", env["POD_NAMESPACE"].ValueFrom?.FieldRef?.FieldPath);
        Assert.Equal("status.podIP", env["POD_IP"].ValueFrom?.FieldRef?.FieldPath);
        Assert.Equal("status.podIP", env["XChat__Cluster__AdvertisedAddress"].ValueFrom?.FieldRef?.FieldPath);
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public void Silo_ServiceAccountMayReadAndDeletePods(string kustomization)
    {
        var m = Manifests.Render(kustomization);
        var pod = m.Get<V1Deployment>(Silo).Spec.Template.Spec;
        var account = m.Get<V1ServiceAccount>(pod.ServiceAccountName);
        var binding = Assert.Single(m.All<V1RoleBinding>(), b => b.Subjects.Any(s => s.Kind == "ServiceAccount" && s.Name == account.Metadata.Name));
        Assert.Equal("Role", binding.RoleRef.Kind);
        var role = m.Get<V1Role>(binding.RoleRef.Name);

        var podRules = role.Rules.Where(r => r.Resources.Contains("pods") && r.ApiGroups.Contains("")).SelectMany(r => r.Verbs).ToHashSet();
        Assert.Superset(new HashSet<string> { "get", "list", "watch", "delete" }, podRules);
        Assert.All(binding.Subjects, s => Assert.Equal(account.Metadata.NamespaceProperty, s.NamespaceProperty));
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public void Ports_AgreeWithTheSiloAndGatewayConfiguration(string kustomization)
    {
        var m = Manifests.Render(kustomization);
        var config = m.Get<V1ConfigMap>("xchat-config").Data;
        var defaults = new ClusterSettings();
        var silo = Container(m, Silo);
        var gateway = Container(m, Gateway);

        // The ConfigMap states the Orleans ports; they must be what the silo listens on by default and what its pod exposes.
        Assert.Equal(defaults.SiloPort, int.Parse(config["XChat__Cluster__SiloPort"]));
        Assert.Equal(defaults.GatewayPort, int.Parse(config["XChat__Cluster__GatewayPort"]));
        Assert.Equal(defaults.SiloPort, Port(silo, "orleans-silo"));
        Assert.Equal(defaults.GatewayPort, Port(silo, "orleans-gateway"));

        // HTTP: the process listens where Urls says, which is the port of appsettings (silo) / the gateway's default, 5080 / 5081.
        Assert.Equal(SiloHttpPortFromAppSettings(), Port(silo, "http"));
        Assert.Equal(5081, Port(gateway, "http"));
        Assert.Equal(new Uri(Env(silo, "Urls")).Port, Port(silo, "http"));
        Assert.Equal(new Uri(Env(gateway, "Urls")).Port, Port(gateway, "http"));
        Assert.Equal("0.0.0.0", new Uri(Env(silo, "Urls")).Host);
        Assert.Equal("0.0.0.0", new Uri(Env(gateway, "Urls")).Host);
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public void EnvironmentNames_AreConfigurationKeysOfOurOptions(string kustomization)
    {
        var m = Manifests.Render(kustomization);
        var names = new List<string>();
        names.AddRange(m.Get<V1ConfigMap>("xchat-config").Data.Keys);
        names.AddRange(m.Get<V1Secret>("xchat-secrets").StringData.Keys);
        names.AddRange(new[] { Silo, Gateway }.SelectMany(w => Container(m, w).Env ?? []).Select(e => e.Name));

        Assert.All(names, name => Assert.True(ConfigurationKeys.IsKnown(name), $"{kustomization}: '{name}' binds to no option of the silo or gateway"));
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public void EnvironmentSources_Exist(string kustomization)
    {
        var m = Manifests.Render(kustomization);

        foreach (var (name, template, _) in m.Workloads())
        {
            foreach (var source in template.Spec.Containers.SelectMany(c => c.EnvFrom ?? []))
            {
                if (source.ConfigMapRef is { } configMap)
                {
                    m.Get<V1ConfigMap>(configMap.Name);
                }

                if (source.SecretRef is { } secret)
                {
                    m.Get<V1Secret>(secret.Name);
                }
            }
        }

        // Only the silos hold the database password.
        Assert.DoesNotContain(Container(m, Gateway).EnvFrom, s => s.SecretRef is not null);
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public void Probes_AliveAndHealthOnTheHttpPort_AndPrometheusScrapesMetrics(string kustomization)
    {
        var m = Manifests.Render(kustomization);

        foreach (var workload in new[] { Silo, Gateway })
        {
            var template = m.Get<V1Deployment>(workload).Spec.Template;
            var container = Assert.Single(template.Spec.Containers);
            Assert.Equal("/alive", container.LivenessProbe?.HttpGet?.Path);
            Assert.Equal("/alive", container.StartupProbe?.HttpGet?.Path);
            Assert.Equal("/health", container.ReadinessProbe?.HttpGet?.Path);
            foreach (var probe in new[] { container.LivenessProbe!, container.StartupProbe!, container.ReadinessProbe! })
            {
                Assert.Equal("http", probe.HttpGet.Port.Value);
            }

            var annotations = template.Metadata.Annotations;
            Assert.Equal("true", annotations["prometheus.io/scrape"]);
            Assert.Equal("/metrics", annotations["prometheus.io/path"]);
            Assert.Equal(Port(container, "http").ToString(), annotations["prometheus.io/port"]);
        }
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public void Services_SelectPodsAndTargetTheirNamedPorts(string kustomization)
    {
        var m = Manifests.Render(kustomization);

        foreach (var service in m.All<V1Service>())
        {
            var targets = m.Workloads().Where(w => ManifestSchemaTests.Matches(service.Spec.Selector, w.Template.Metadata.Labels)).ToList();
            Assert.True(targets.Count == 1, $"{kustomization}: service {service.Metadata.Name} must select exactly one workload's pods");
            var portNames = targets[0].Template.Spec.Containers.SelectMany(c => c.Ports).Select(p => p.Name).ToHashSet();
            Assert.All(service.Spec.Ports, p => Assert.Contains(p.TargetPort.Value, portNames));
        }

        var statefulSet = m.Get<V1StatefulSet>("xchat-postgres");
        Assert.Equal("None", m.Get<V1Service>(statefulSet.Spec.ServiceName).Spec.ClusterIP);
        Assert.Contains(statefulSet.Spec.VolumeClaimTemplates, c => c.Metadata.Name == "data");
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public void DisruptionBudgetsAndAutoscaler_TargetExistingWorkloads(string kustomization)
    {
        var m = Manifests.Render(kustomization);

        foreach (var workload in new[] { Silo, Gateway })
        {
            var labels = m.Get<V1Deployment>(workload).Spec.Template.Metadata.Labels;
            Assert.Single(m.All<V1PodDisruptionBudget>(), b => ManifestSchemaTests.Matches(b.Spec.Selector.MatchLabels, labels));
        }

        var autoscaler = Assert.Single(m.All<V2HorizontalPodAutoscaler>());
        Assert.Equal("Deployment", autoscaler.Spec.ScaleTargetRef.Kind);
        Assert.Equal(Gateway, autoscaler.Spec.ScaleTargetRef.Name);
        Assert.InRange(autoscaler.Spec.MinReplicas ?? 1, 1, autoscaler.Spec.MaxReplicas);
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public void Ingress_RoutesWebSocketsToTheGatewayWithTimeoutsAboveTheIdleTimeout(string kustomization)
    {
        var m = Manifests.Render(kustomization);
        var ingress = Assert.Single(m.All<V1Ingress>());
        var service = m.Get<V1Service>(Gateway);
        var idle = new WebSocketGatewayOptions().IdleTimeout;

        var path = Assert.Single(ingress.Spec.Rules.SelectMany(r => r.Http.Paths));
        Assert.Equal("/ws", path.Path);
        Assert.Equal(service.Metadata.Name, path.Backend.Service.Name);
        Assert.Contains(service.Spec.Ports, p => p.Name == path.Backend.Service.Port.Name);
        foreach (var timeout in new[] { "proxy-read-timeout", "proxy-send-timeout" })
        {
            var seconds = int.Parse(ingress.Metadata.Annotations[$"nginx.ingress.kubernetes.io/{timeout}"]);
            Assert.True(seconds > idle.TotalSeconds, $"{timeout} ({seconds} s) must exceed the gateway's idle timeout ({idle.TotalSeconds} s), or the proxy cuts quiet sockets first");
        }
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public void InClusterRedisAndPostgres_MatchTheConnectionSettings(string kustomization)
    {
        var m = Manifests.Render(kustomization);
        var redis = m.Get<V1ConfigMap>("xchat-config").Data["XChat__Cluster__Redis"].Split(',')[0].Split(':');
        var postgres = new NpgsqlConnectionStringBuilder(m.Get<V1Secret>("xchat-secrets").StringData["XChat__Cluster__Postgres"]);
        var account = m.Get<V1Secret>("xchat-postgres").StringData;

        Assert.Contains(m.Get<V1Service>(redis[0]).Spec.Ports, p => p.Port == int.Parse(redis[1]));
        Assert.Contains(m.Get<V1Service>(postgres.Host!).Spec.Ports, p => p.Port == postgres.Port);
        Assert.Equal(account["POSTGRES_USER"], postgres.Username);
        Assert.Equal(account["POSTGRES_PASSWORD"], postgres.Password);
        Assert.Equal(account["POSTGRES_DB"], postgres.Database);
    }

    [Theory]
    [InlineData("overlays/dev", "xchat-dev", 1, "dev")]
    [InlineData("overlays/prod", "xchat", 3, "1.0.0")]
    public void Overlay_SetsNamespaceReplicasAndImageTags(string overlay, string ns, int siloReplicas, string tag)
    {
        var m = Manifests.Render(overlay);

        m.Get<V1Namespace>(ns);
        Assert.All(m.Objects.Cast<k8s.IKubernetesObject<V1ObjectMeta>>().Where(o => o.Kind != "Namespace"),
            o => Assert.Equal(ns, o.Metadata.NamespaceProperty));
        Assert.Equal(siloReplicas, m.Get<V1Deployment>(Silo).Spec.Replicas);
        Assert.EndsWith(":" + tag, Container(m, Silo).Image);
        Assert.EndsWith(":" + tag, Container(m, Gateway).Image);
        // The patch changed the requests and kept everything else of the container.
        Assert.Equal("/health", Container(m, Silo).ReadinessProbe.HttpGet.Path);
    }

    private static V1Container Container(Manifests m, string deployment) =>
        Assert.Single(m.Get<V1Deployment>(deployment).Spec.Template.Spec.Containers);

    private static int Port(V1Container container, string name) =>
        container.Ports.SingleOrDefault(p => p.Name == name)?.ContainerPort
        ?? throw new Xunit.Sdk.XunitException($"{container.Name} has no port named {name}.");

    private static string Env(V1Container container, string name) =>
        container.Env.SingleOrDefault(e => e.Name == name)?.Value ?? throw new Xunit.Sdk.XunitException($"{container.Name} has no {name}.");

    private static int SiloHttpPortFromAppSettings()
    {
        using var settings = JsonDocument.Parse(File.ReadAllText(Repository.File("Silo", "appsettings.json")));
        return new Uri(settings.RootElement.GetProperty("Urls").GetString()!).Port;
    }
}
