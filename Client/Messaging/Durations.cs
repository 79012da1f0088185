using System.Globalization;

namespace XChat.Client.Messaging;

/// <summary>Disappearing-timer durations as people type them: "30s", "5m", "1h", "7d", or "off".</summary>
public static class Durations
{
    /// <summary>Parses "off" (zero) or a positive whole number followed by s, m, h or d; false otherwise.</summary>
    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.Equals(text, "off", StringComparison.OrdinalIgnoreCase) || text == "0")
        {
            return true;
        }

        if (text.Length < 2 || !long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0)
        {
            return false;
        }

        var unit = char.ToLowerInvariant(text[^1]) switch
        {
            's' => TimeSpan.FromSeconds(1),
            'm' => TimeSpan.FromMinutes(1),
            'h' => TimeSpan.FromHours(1),
            'd' => TimeSpan.FromDays(1),
            _ => TimeSpan.Zero,
        };
        if (unit == TimeSpan.Zero || n > TimeSpan.FromDays(365).Ticks / unit.Ticks)
        {
            return false;
        }

        duration = unit * n;
        return true;
    }

    /// <summary>The shortest exact spelling: "1h" rather than "60m", "off" for zero.</summary>
    public static string Format(TimeSpan duration)
    {
        if (duration == TimeSpan.Zero)
        {
            return "off";
        }

        var seconds = (long)duration.TotalSeconds;
        return seconds % 86400 == 0 ? $"{seconds / 86400}d"
            : seconds % 3600 == 0 ? $"{seconds / 3600}h"
            : seconds % 60 == 0 ? $"{seconds / 60}m"
            : $"{seconds}s";
    }
}
