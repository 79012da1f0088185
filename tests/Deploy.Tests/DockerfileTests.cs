using k8s.Models;

namespace XChat.Deploy.Tests;

/// <summary>The Dockerfiles build in stages, run as the non-root uid the manifests expect, and expose the manifests' ports.</summary>
public sealed class DockerfileTests
{
    /// <summary>APP_UID of the .NET runtime images.</summary>
    private const long DotnetImageUid = 1654;

    [Theory]
    [InlineData("Silo", "xchat-silo", "XChat.Silo.dll")]
    [InlineData("Gateway", "xchat-gateway", "XChat.Gateway.dll")]
    public void Dockerfile_MultiStageNonRoot_ExposesTheManifestPorts(string project, string deployment, string entryAssembly)
    {
        var lines = File.ReadAllLines(Repository.File(project, "Dockerfile")).Select(l => l.Trim()).Where(l => l.Length > 0 && l[0] != '#').ToList();
        var pod = Manifests.Render("base").Get<V1Deployment>(deployment).Spec.Template.Spec;

        var stages = lines.Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, stages.Count);
        Assert.StartsWith("FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build", stages[0]);
        Assert.StartsWith("FROM mcr.microsoft.com/dotnet/aspnet:10.0", stages[1]);
        var runtime = lines.SkipWhile(l => l != stages[1]).ToList();
        Assert.Contains("USER $APP_UID", runtime);
        Assert.Contains(runtime, l => l.StartsWith("ENTRYPOINT", StringComparison.Ordinal) && l.Contains(entryAssembly, StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains($"dotnet publish {project}/{project}.csproj", StringComparison.Ordinal));

        var exposed = runtime.Where(l => l.StartsWith("EXPOSE ", StringComparison.Ordinal)).SelectMany(l => l[7..].Split(' ', StringSplitOptions.RemoveEmptyEntries)).Select(int.Parse).Order().ToList();
        var declared = pod.Containers.SelectMany(c => c.Ports).Select(p => p.ContainerPort).Order().ToList();
        Assert.Equal(declared, exposed);
        Assert.Equal(DotnetImageUid, pod.SecurityContext.RunAsUser);
    }
}
