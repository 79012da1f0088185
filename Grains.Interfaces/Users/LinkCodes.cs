using System.Security.Cryptography;

namespace XChat.Grains.Users;

/// <summary>
/// Device link codes: 8 characters of the RFC 4648 base32 alphabet (40 random bits), short enough
/// to type, and guessable only with about 2^39 tries against a code that lives a few minutes.
/// </summary>
public static class LinkCodes
{
    public const int Length = 8;
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    public static string New()
    {
        Span<byte> random = stackalloc byte[Length];
        RandomNumberGenerator.Fill(random);
        return string.Create(Length, random.ToArray(), static (chars, bytes) =>
        {
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = Alphabet[bytes[i] & 31]; // 256 is a multiple of 32: no bias
            }
        });
    }

    /// <summary>The canonical (upper-case) code, or null when it cannot be a link code.</summary>
    public static string? Normalize(string? code)
    {
        var upper = (code ?? string.Empty).Trim().ToUpperInvariant();
        return upper.Length == Length && upper.All(c => Alphabet.Contains(c, StringComparison.Ordinal)) ? upper : null;
    }
}
