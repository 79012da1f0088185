using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace XChat.Grains.Hosting;

/// <summary>Registers what the grains need besides a message store and grain storage.</summary>
public static class GrainServiceCollectionExtensions
{
    public static IServiceCollection AddXChatGrains(this IServiceCollection services, IConfiguration? configuration = null)
    {
        var options = services.AddOptions<XChatGrainOptions>();
        if (configuration is not null)
        {
            options.Bind(configuration.GetSection(XChatGrainOptions.SectionName));
        }

        options.ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }
}
