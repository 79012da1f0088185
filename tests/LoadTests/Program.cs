using XChat.LoadTests;
using XChat.LoadTests.Scenarios;

// xchat-load: load scenarios against XChat gateways on this machine (README.md): the pairwise
// workload against XChat and a bare WebSocket relay, group fan-out, offline drain, connect storm,
// and the pairwise workload over a cluster's gateways. Each run ends with a JSON and a markdown report.
LoadOptions options;
try
{
    options = LoadOptions.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException or OverflowException or UriFormatException)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(LoadOptions.Usage);
    return 2;
}

var report = await ScenarioRunner.RunAsync(options, args);
var (json, markdown) = report.Write(options.ReportDir);
Console.WriteLine();
Console.Write(report.ToMarkdown());
Console.WriteLine();
Console.WriteLine($"reports: {json}, {markdown}");
return 0;

