namespace XChat.LoadTests;

/// <summary>What every report states besides its figures: the scenario, when, where and how it was started.</summary>
internal sealed record ReportHeader(string Scenario, DateTimeOffset StartedAt, string Command)
{
    public static ReportHeader Start(string scenario, IEnumerable<string> args) =>
        new(scenario, DateTimeOffset.UtcNow, "xchat-load " + string.Join(' ', args));

    public ScenarioReport Complete(IReadOnlyDictionary<string, string> parameters, IReadOnlyList<Figure> figures) =>
        new(Scenario, StartedAt, ScenarioReport.DescribeMachine(), Command, parameters, figures);
}
