namespace XChat.LoadTests.Scenarios;

/// <summary>Runs the scenario the options name and returns its report.</summary>
internal static class ScenarioRunner
{
    public static Task<ScenarioReport> RunAsync(LoadOptions options, IEnumerable<string> args)
    {
        var header = ReportHeader.Start(Name(options.Scenario), args);
        return options.Scenario switch
        {
            LoadScenario.GroupFanout => GroupFanoutScenario.RunAsync(options, header),
            LoadScenario.OfflineDrain => OfflineDrainScenario.RunAsync(options, header),
            LoadScenario.ConnectStorm => ConnectStormScenario.RunAsync(options, header),
            _ => PairsScenario.RunAsync(options, header),
        };
    }

    public static string Name(LoadScenario scenario) => scenario switch
    {
        LoadScenario.GroupFanout => "group-fanout",
        LoadScenario.OfflineDrain => "offline-drain",
        LoadScenario.ConnectStorm => "connect-storm",
        LoadScenario.Cluster => "cluster",
        _ => "pairs",
    };
}
