using System.Text.RegularExpressions;
using XChat.Grains.Errors;

namespace XChat.Grains.Users;

/// <summary>Handle rules: 3 to 32 characters of a-z, 0-9 and underscore, compared case-insensitively.</summary>
public static partial class Handles
{
    public const int MinLength = 3;
    public const int MaxLength = 32;

    /// <summary>Returns the canonical (lower-case) form of a handle, or throws when it breaks the rules.</summary>
    public static string Normalize(string? handle)
    {
        var lowered = (handle ?? string.Empty).Trim().ToLowerInvariant();
        if (!HandlePattern().IsMatch(lowered))
        {
            throw new InvalidRequestException(
                $"A handle is {MinLength} to {MaxLength} characters of a-z, 0-9 and '_'.");
        }

        return lowered;
    }

    [GeneratedRegex("^[a-z0-9_]{3,32}$", RegexOptions.CultureInvariant)]
    private static partial Regex HandlePattern();
}
