using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace XChat.LoadTests;

/// <summary>One figure of a report: a name, a value and its unit.</summary>
internal sealed record Figure(string Name, double Value, string Unit);

/// <summary>What one scenario run measured, with the settings it ran with; written as JSON and as markdown.</summary>
internal sealed record ScenarioReport(
    string Scenario,
    DateTimeOffset StartedAt,
    string Machine,
    string Command,
    IReadOnlyDictionary<string, string> Parameters,
    IReadOnlyList<Figure> Figures)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The figure called <paramref name="name"/>; throws when the scenario has none.</summary>
    public double this[string name] => Figures.First(f => f.Name == name).Value;

    public static string DescribeMachine() =>
        $"{Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1 << 30)} GiB, {Environment.OSVersion}";

    /// <summary>Writes {scenario}-{time}.json and .md into <paramref name="directory"/> and returns both paths.</summary>
    public (string Json, string Markdown) Write(string directory)
    {
        Directory.CreateDirectory(directory);
        var stem = Path.Combine(directory, $"{Scenario}-{StartedAt.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}");
        File.WriteAllText(stem + ".json", JsonSerializer.Serialize(this, Json));
        File.WriteAllText(stem + ".md", ToMarkdown());
        return (stem + ".json", stem + ".md");
    }

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"## xchat-load {Scenario}");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"- started: {StartedAt:u}");
        text.AppendLine(CultureInfo.InvariantCulture, $"- machine: {Machine}");
        text.AppendLine(CultureInfo.InvariantCulture, $"- command: `{Command}`");
        text.AppendLine(CultureInfo.InvariantCulture, $"- settings: {string.Join(", ", Parameters.Select(p => $"{p.Key} {p.Value}"))}");
        text.AppendLine();
        text.AppendLine("| figure | value | unit |");
        text.AppendLine("|---|---:|---|");
        foreach (var figure in Figures)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {figure.Name} | {Format(figure.Value)} | {figure.Unit} |");
        }

        return text.ToString();
    }

    private static string Format(double value) =>
        double.IsNaN(value) ? "n/a"
        : value == Math.Round(value) && Math.Abs(value) < 1e15 ? value.ToString("F0", CultureInfo.InvariantCulture)
        : value.ToString("F2", CultureInfo.InvariantCulture);
}
