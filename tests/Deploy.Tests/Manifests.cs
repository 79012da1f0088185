using k8s;
using k8s.Models;

namespace XChat.Deploy.Tests;

/// <summary>A rendered kustomization as typed Kubernetes objects, deserialized strictly (an unknown field fails).</summary>
public sealed class Manifests
{
    private Manifests(string name, IReadOnlyList<IKubernetesObject> objects)
    {
        Name = name;
        Objects = objects;
    }

    public string Name { get; }

    public IReadOnlyList<IKubernetesObject> Objects { get; }

    public static readonly string[] Kustomizations = ["base", "overlays/dev", "overlays/prod"];

    public static Manifests Render(string kustomization)
    {
        var objects = Kustomize.Render(System.IO.Path.Combine(Repository.K8s, kustomization))
            .SelectMany(node => Load(Kustomize.ToYaml(node), kustomization))
            .ToList();
        return new Manifests(kustomization, objects);
    }

    /// <summary>Typed objects from YAML text; unknown kinds and unknown fields throw.</summary>
    public static IEnumerable<IKubernetesObject> Load(string yaml, string source) =>
        KubernetesYaml.LoadAllFromString(yaml, typeMap: null, strict: true)
            .Select(o => o as IKubernetesObject ?? throw new InvalidDataException($"{source}: {o.GetType().Name} is not a Kubernetes object."));

    public IEnumerable<T> All<T>() => Objects.OfType<T>();

    public T Get<T>(string name) where T : IKubernetesObject<V1ObjectMeta> =>
        All<T>().SingleOrDefault(o => o.Metadata?.Name == name)
        ?? throw new Xunit.Sdk.XunitException($"{Name}: no {typeof(T).Name} named '{name}'.");

    /// <summary>Pod templates of every workload, by workload name.</summary>
    public IEnumerable<(string Name, V1PodTemplateSpec Template, V1LabelSelector Selector)> Workloads() =>
        All<V1Deployment>().Select(d => (d.Metadata.Name, d.Spec.Template, d.Spec.Selector))
            .Concat(All<V1StatefulSet>().Select(s => (s.Metadata.Name, s.Spec.Template, s.Spec.Selector)));

    public override string ToString() => Name;
}
