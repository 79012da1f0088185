using System.Reflection;

namespace XChat.Integration.Tests.Cluster;

/// <summary>The silo and gateway binaries of this repository, built in the same configuration as the tests.</summary>
internal static class BuiltBinaries
{
    public const string Solution = "XChat.Orleans.sln";

    public static string Configuration =>
        typeof(BuiltBinaries).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration
        ?? throw new InvalidOperationException("The test assembly has no AssemblyConfiguration attribute.");

    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, Solution)))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException($"No {Solution} above {AppContext.BaseDirectory}.");
        }
    }

    public static string Silo => Require("Silo", "XChat.Silo.dll");

    public static string Gateway => Require("Gateway", "XChat.Gateway.dll");

    private static string Require(string project, string dll)
    {
        var path = Path.Combine(RepositoryRoot, project, "bin", Configuration, "net10.0", dll);
        return File.Exists(path)
            ? path
            : throw new InvalidOperationException($"{path} is missing: build the solution in {Configuration} first (dotnet build {Solution} -c {Configuration}).");
    }
}
