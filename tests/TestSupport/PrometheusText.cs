using System.Globalization;

namespace XChat.TestSupport;

/// <summary>A scrape of a /metrics endpoint in the Prometheus text format, summed per series name over all label sets.</summary>
public sealed class PrometheusText
{
    private readonly Dictionary<string, double> _sums;

    private PrometheusText(string text, Dictionary<string, double> sums)
    {
        Text = text;
        _sums = sums;
    }

    public string Text { get; }

    /// <summary>Series names seen (e.g. "xchat_logins_total", "xchat_storage_commit_duration_seconds_count").</summary>
    public IReadOnlyCollection<string> Names => _sums.Keys;

    /// <summary>The sum of the series' samples over its label sets, or null when the scrape has no such series.</summary>
    public double? this[string name] => _sums.TryGetValue(name, out var sum) ? sum : null;

    public static async Task<PrometheusText> ScrapeAsync(HttpClient http, Uri metricsUri)
    {
        using var response = await http.GetAsync(metricsUri);
        response.EnsureSuccessStatusCode();
        return Parse(await response.Content.ReadAsStringAsync());
    }

    public static PrometheusText Parse(string text)
    {
        var sums = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            // name{label="value",...} sample [timestamp]   or   name sample [timestamp]
            var labelsStart = line.IndexOf('{');
            var nameEnd = labelsStart >= 0 ? labelsStart : line.IndexOf(' ');
            var rest = labelsStart >= 0 ? line[(line.LastIndexOf('}') + 1)..] : line[nameEnd..];
            var sample = rest.Trim().Split(' ')[0];
            if (nameEnd <= 0 || !double.TryParse(sample, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                continue;
            }

            var name = line[..nameEnd];
            sums[name] = sums.GetValueOrDefault(name) + value;
        }

        return new PrometheusText(text, sums);
    }
}
