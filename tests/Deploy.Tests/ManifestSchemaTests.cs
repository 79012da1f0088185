using k8s;
using k8s.Models;

namespace XChat.Deploy.Tests;

/// <summary>Every YAML file under k8s/ and every rendered kustomization loads into the typed Kubernetes models, strictly.</summary>
public sealed class ManifestSchemaTests
{
    public static TheoryData<string> Kustomizations() => new(Manifests.Kustomizations);

    public static TheoryData<string> ManifestFiles() => new(Directory
        .EnumerateFiles(Repository.K8s, "*.yaml", SearchOption.AllDirectories)
        .Where(f => System.IO.Path.GetFileName(f) != "kustomization.yaml")
        .Select(f => System.IO.Path.GetRelativePath(Repository.K8s, f))
        .Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(ManifestFiles))]
    public void File_EveryDocument_IsAKnownKindWithOnlyKnownFields(string file)
    {
        var documents = Kustomize.LoadDocuments(System.IO.Path.Combine(Repository.K8s, file));

        var objects = documents.SelectMany(d => Manifests.Load(Kustomize.ToYaml(d), file)).ToList();

        Assert.NotEmpty(objects);
        Assert.All(objects, o => Assert.False(string.IsNullOrEmpty(o.ApiVersion) || string.IsNullOrEmpty(o.Kind), $"{file}: every document has apiVersion and kind"));
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public void Render_EveryObject_HasANameUniqueForItsKind(string kustomization)
    {
        var manifests = Manifests.Render(kustomization);

        var names = manifests.Objects.Cast<IKubernetesObject<V1ObjectMeta>>().Select(o => $"{o.Kind}/{o.Metadata?.Name}").ToList();
        Assert.All(manifests.Objects.Cast<IKubernetesObject<V1ObjectMeta>>(), o => Assert.False(string.IsNullOrEmpty(o.Metadata?.Name), $"{kustomization}: a {o.Kind} has no name"));
        Assert.Equal(names.Distinct().Count(), names.Count);
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public void Render_Workloads_HaveSelectorsMatchingTheirPodLabelsAndImagesAndResources(string kustomization)
    {
        var manifests = Manifests.Render(kustomization);

        Assert.NotEmpty(manifests.Workloads());
        foreach (var (name, template, selector) in manifests.Workloads())
        {
            Assert.True(Matches(selector.MatchLabels, template.Metadata.Labels), $"{kustomization}: {name}'s selector must match its pod labels");
            foreach (var container in template.Spec.Containers)
            {
                Assert.False(string.IsNullOrEmpty(container.Image), $"{name}/{container.Name}: an image");
                Assert.True(container.Resources?.Requests?.ContainsKey("cpu") == true && container.Resources.Requests.ContainsKey("memory"), $"{name}/{container.Name}: cpu and memory requests");
                Assert.True(container.Resources?.Limits?.ContainsKey("cpu") == true && container.Resources.Limits.ContainsKey("memory"), $"{name}/{container.Name}: cpu and memory limits");
                Assert.True(container.SecurityContext?.AllowPrivilegeEscalation == false, $"{name}/{container.Name}: no privilege escalation");
            }

            Assert.True(template.Spec.SecurityContext?.RunAsNonRoot == true, $"{kustomization}: {name} runs as a non-root user");
        }
    }

    internal static bool Matches(IDictionary<string, string>? selector, IDictionary<string, string>? labels) =>
        selector is { Count: > 0 } && labels is not null && selector.All(s => labels.TryGetValue(s.Key, out var v) && v == s.Value);
}
