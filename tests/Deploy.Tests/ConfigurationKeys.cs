using System.Reflection;
using XChat.Gateway.Hosting;
using XChat.Grains.Hosting;
using XChat.Silo.Hosting;

namespace XChat.Deploy.Tests;

/// <summary>Whether an environment variable name binds to one of our options (XChat__Section__Key), read from the option classes themselves.</summary>
public static class ConfigurationKeys
{
    private static readonly (string Section, Type Options)[] Sections =
    [
        (WebSocketGatewayOptions.SectionName, typeof(WebSocketGatewayOptions)),
        (XChatGrainOptions.SectionName, typeof(XChatGrainOptions)),
        (XChatHostOptions.SectionName, typeof(XChatHostOptions)),
        (XChat.Grains.Sweeping.SweepOptions.SectionName, typeof(XChat.Grains.Sweeping.SweepOptions)),
    ];

    /// <summary>Variables read by the platform rather than our options: Kestrel's address and the pod fields Orleans' Kubernetes hosting reads.</summary>
    public static readonly IReadOnlySet<string> PlatformVariables = new HashSet<string> { "Urls", "POD_NAME", "POD_NAMESPACE", "POD_IP" };

    /// <summary>True when <paramref name="variable"/> names a settable option property (exact case) or a platform variable.</summary>
    public static bool IsKnown(string variable)
    {
        if (PlatformVariables.Contains(variable))
        {
            return true;
        }

        var key = variable.Replace("__", ":", StringComparison.Ordinal);
        foreach (var (section, options) in Sections)
        {
            if (key.StartsWith(section + ":", StringComparison.Ordinal) && Resolves(options, key[(section.Length + 1)..].Split(':')))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Resolves(Type type, string[] path)
    {
        var property = type.GetProperty(path[0], BindingFlags.Public | BindingFlags.Instance);
        if (property is null)
        {
            return false;
        }

        return path.Length == 1
            ? property.CanWrite && (property.PropertyType.IsValueType || property.PropertyType == typeof(string))
            : Resolves(property.PropertyType, path[1..]);
    }
}
