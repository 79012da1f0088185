using System.Buffers;

namespace XChat.Grains;

/// <summary>
/// Shape checks for the ids that arrive in requests: user ids, attachment ids and conversation ids.
/// Every send checks two of them, so they scan with <see cref="SearchValues{T}"/> (vectorized, no
/// enumerator or delegate per character).
/// </summary>
public static class Identifiers
{
    /// <summary>Length of a user id and an attachment id: 32 lower-case hex digits (a random GUID, "N" format).</summary>
    public const int HexIdLength = 32;

    private static readonly SearchValues<char> LowerHex = SearchValues.Create("0123456789abcdef");
    private static readonly SearchValues<char> AsciiLettersDigitsUnderscore =
        SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_");

    /// <summary>True for exactly 32 lower-case hex digits: the shape of user and attachment ids.</summary>
    public static bool IsLowerHexId(string? id) => id is { Length: HexIdLength } && !id.AsSpan().ContainsAnyExcept(LowerHex);

    /// <summary>True when every character is an ASCII letter, an ASCII digit or '_'.</summary>
    public static bool IsAsciiWord(ReadOnlySpan<char> text) => !text.ContainsAnyExcept(AsciiLettersDigitsUnderscore);
}
