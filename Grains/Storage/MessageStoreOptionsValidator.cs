using Microsoft.Extensions.Options;

namespace XChat.Grains.Storage;

/// <summary>Validates message store options at start, with the options' own rules.</summary>
internal sealed class MessageStoreOptionsValidator<TOptions> : IValidateOptions<TOptions>
    where TOptions : MessageStoreOptions
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var problems = options.Validate().ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
