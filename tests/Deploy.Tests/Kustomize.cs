using YamlDotNet.RepresentationModel;

namespace XChat.Deploy.Tests;

/// <summary>
/// The part of kustomize our overlays use, so they can be rendered without the kustomize binary:
/// <c>resources</c> (files and directories), <c>namespace</c>, <c>images</c> (newTag / newName) and
/// <c>patches</c> with strategic-merge patch files (target found by apiVersion, kind and name; lists of
/// items with a "name" merge by name, other lists are replaced, as for most Kubernetes list fields).
/// A kustomization using anything else fails the rendering instead of being rendered wrong.
/// </summary>
public static class Kustomize
{
    private static readonly HashSet<string> SupportedFields = ["apiVersion", "kind", "resources", "namespace", "images", "patches"];

    // Kinds kustomize leaves without a namespace.
    private static readonly HashSet<string> ClusterScopedKinds = ["Namespace", "ClusterRole", "ClusterRoleBinding", "PersistentVolume", "StorageClass", "CustomResourceDefinition"];

    /// <summary>Renders the kustomization in <paramref name="directory"/>: every object, patched.</summary>
    public static List<YamlMappingNode> Render(string directory)
    {
        var kustomization = LoadDocuments(Path.Combine(directory, "kustomization.yaml")).Single();
        foreach (var field in kustomization.Children.Keys.Select(Text))
        {
            if (!SupportedFields.Contains(field))
            {
                throw new NotSupportedException($"{directory}: kustomization field '{field}' is not supported by this renderer.");
            }
        }

        var objects = new List<YamlMappingNode>();
        foreach (var resource in Sequence(kustomization, "resources").Select(Text))
        {
            var path = Path.GetFullPath(Path.Combine(directory, resource));
            objects.AddRange(Directory.Exists(path) ? Render(path) : LoadDocuments(path));
        }

        foreach (var patch in Sequence(kustomization, "patches").Cast<YamlMappingNode>())
        {
            if (patch.Children.Count != 1 || Optional(patch, "path") is not { } patchPath)
            {
                throw new NotSupportedException($"{directory}: only patches of the form '- path: file.yaml' are supported.");
            }

            foreach (var document in LoadDocuments(Path.Combine(directory, patchPath)))
            {
                var target = objects.SingleOrDefault(o => SameObject(o, document))
                    ?? throw new InvalidOperationException($"{directory}/{patchPath}: no {Optional(document, "kind")} '{Name(document)}' to patch.");
                Merge(target, document);
            }
        }

        foreach (var image in Sequence(kustomization, "images").Cast<YamlMappingNode>())
        {
            SetImage(objects, Required(image, "name"), Optional(image, "newName"), Optional(image, "newTag"));
        }

        if (Optional(kustomization, "namespace") is { } ns)
        {
            foreach (var o in objects.Where(o => !ClusterScopedKinds.Contains(Required(o, "kind"))))
            {
                var metadata = (YamlMappingNode)o.Children[new YamlScalarNode("metadata")];
                metadata.Children[new YamlScalarNode("namespace")] = new YamlScalarNode(ns);
                // As kustomize does: a binding's service account subjects move with it.
                if (Required(o, "kind") is "RoleBinding" or "ClusterRoleBinding")
                {
                    foreach (var subject in Sequence(o, "subjects").Cast<YamlMappingNode>().Where(s => Optional(s, "kind") == "ServiceAccount"))
                    {
                        subject.Children[new YamlScalarNode("namespace")] = new YamlScalarNode(ns);
                    }
                }
            }
        }

        return objects;
    }

    /// <summary>Every YAML document of a file, each a mapping.</summary>
    public static List<YamlMappingNode> LoadDocuments(string path)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path))
        {
            stream.Load(reader);
        }

        return stream.Documents.Select(d => d.RootNode as YamlMappingNode
            ?? throw new InvalidDataException($"{path}: a document is not a mapping.")).ToList();
    }

    /// <summary>One object as YAML text again (for the typed Kubernetes models).</summary>
    public static string ToYaml(YamlMappingNode node)
    {
        using var writer = new StringWriter();
        new YamlStream(new YamlDocument(node)).Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    /// <summary>Strategic merge as our patches need it: mappings merge, named lists merge by name, anything else is replaced.</summary>
    public static void Merge(YamlMappingNode target, YamlMappingNode patch)
    {
        foreach (var (key, value) in patch.Children)
        {
            if (!target.Children.TryGetValue(key, out var existing))
            {
                target.Children[key] = value;
            }
            else if (existing is YamlMappingNode targetMap && value is YamlMappingNode patchMap)
            {
                Merge(targetMap, patchMap);
            }
            else if (existing is YamlSequenceNode targetList && value is YamlSequenceNode patchList && IsNamedList(targetList) && IsNamedList(patchList))
            {
                foreach (var item in patchList.Children.Cast<YamlMappingNode>())
                {
                    var match = targetList.Children.Cast<YamlMappingNode>().FirstOrDefault(t => Optional(t, "name") == Optional(item, "name"));
                    if (match is null)
                    {
                        targetList.Children.Add(item);
                    }
                    else
                    {
                        Merge(match, item);
                    }
                }
            }
            else
            {
                target.Children[key] = value;
            }
        }
    }

    private static bool IsNamedList(YamlSequenceNode list) =>
        list.Children.Count > 0 && list.Children.All(c => c is YamlMappingNode m && Optional(m, "name") is not null);

    private static void SetImage(List<YamlMappingNode> objects, string name, string? newName, string? newTag)
    {
        var found = false;
        foreach (var container in objects.SelectMany(Containers))
        {
            var image = Required(container, "image");
            var colon = image.LastIndexOf(':');
            var repository = colon > image.LastIndexOf('/') ? image[..colon] : image;
            var tag = colon > image.LastIndexOf('/') ? image[(colon + 1)..] : null;
            if (repository != name)
            {
                continue;
            }

            found = true;
            var result = (newName ?? repository) + ((newTag ?? tag) is { } t ? ":" + t : string.Empty);
            container.Children[new YamlScalarNode("image")] = new YamlScalarNode(result);
        }

        if (!found)
        {
            throw new InvalidOperationException($"images: no container uses '{name}'.");
        }
    }

    /// <summary>The containers of a workload's pod template (none for other kinds).</summary>
    public static IEnumerable<YamlMappingNode> Containers(YamlMappingNode o) =>
        At(o, "spec", "template", "spec") is YamlMappingNode podSpec
            ? Sequence(podSpec, "containers").Cast<YamlMappingNode>()
            : [];

    public static YamlNode? At(YamlMappingNode node, params string[] keys)
    {
        YamlNode? current = node;
        foreach (var key in keys)
        {
            if (current is not YamlMappingNode map || !map.Children.TryGetValue(new YamlScalarNode(key), out current))
            {
                return null;
            }
        }

        return current;
    }

    private static bool SameObject(YamlMappingNode a, YamlMappingNode b) =>
        Optional(a, "apiVersion") == Optional(b, "apiVersion") && Optional(a, "kind") == Optional(b, "kind") && Name(a) == Name(b);

    private static string? Name(YamlMappingNode o) =>
        At(o, "metadata", "name") is YamlScalarNode s ? s.Value : Optional(o, "name");

    private static IEnumerable<YamlNode> Sequence(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? ((YamlSequenceNode)value).Children : [];

    private static string? Optional(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? ((YamlScalarNode)value).Value : null;

    private static string Required(YamlMappingNode node, string key) =>
        Optional(node, key) ?? throw new InvalidDataException($"Missing '{key}'.");

    private static string Text(YamlNode node) => ((YamlScalarNode)node).Value!;
}
