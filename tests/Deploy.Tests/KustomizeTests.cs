using YamlDotNet.RepresentationModel;

namespace XChat.Deploy.Tests;

/// <summary>The test renderer itself: it merges as kustomize does for our patches and refuses what it cannot render.</summary>
public sealed class KustomizeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("xchat-kustomize-").FullName;

    [Fact]
    public void Merge_NamedListItems_MergeByNameAndOtherListsAreReplaced()
    {
        var target = Map("""
            spec:
              containers:
                - name: a
                  image: x:1
                  args: ["--one"]
                - name: b
                  image: y:1
            """);
        var patch = Map("""
            spec:
              containers:
                - name: b
                  image: y:2
                  args: ["--two"]
            """);

        Kustomize.Merge(target, patch);

        var yaml = Kustomize.ToYaml(target);
        Assert.Contains("x:1", yaml);
        Assert.Contains("--one", yaml);
        Assert.Contains("y:2", yaml);
        Assert.DoesNotContain("y:1", yaml);
    }

    [Fact]
    public void Render_PatchWithoutTarget_Throws()
    {
        Write("kustomization.yaml", "resources: [a.yaml]\npatches:\n  - path: p.yaml\n");
        Write("a.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n");
        Write("p.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\ndata:\n  k: v\n");

        Assert.Throws<InvalidOperationException>(() => Kustomize.Render(_dir));
    }

    [Fact]
    public void Render_UnsupportedField_Throws()
    {
        Write("kustomization.yaml", "resources: [a.yaml]\nnamePrefix: x-\n");
        Write("a.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n");

        Assert.Throws<NotSupportedException>(() => Kustomize.Render(_dir));
    }

    [Fact]
    public void Load_UnknownField_FailsStrictDeserialization()
    {
        const string yaml = "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  selectr:\n    app: x\n";

        Assert.ThrowsAny<Exception>(() => Manifests.Load(yaml, "inline").ToList());
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private void Write(string name, string text) => File.WriteAllText(Path.Combine(_dir, name), text);

    private static YamlMappingNode Map(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }
}
