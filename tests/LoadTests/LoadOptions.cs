using System.Globalization;
using System.Net;

namespace XChat.LoadTests;

/// <summary>The command line of xchat-load.</summary>
internal sealed record LoadOptions
{
    /// <summary>The XChat gateway; null runs only the relay baseline.</summary>
    public Uri? Server { get; init; }

    public int Pairs { get; init; } = 100;

    public int Messages { get; init; } = 200;

    public int Window { get; init; } = 10;

    public int PayloadBytes { get; init; } = 256;

    public int? ServerPid { get; init; }

    /// <summary>Upper bound on one workload's measured phase; messages still missing then count as lost.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>How many connections register or connect at once during setup.</summary>
    public int SetupParallelism { get; init; } = 16;

    public bool SkipRelay { get; init; }

    public const string Usage =
        "xchat-load [--server ws://127.0.0.1:5080/ws] [--pairs 100] [--messages 200] [--window 10] [--payload 256]\n" +
        "           [--server-pid N] [--timeout-seconds 120] [--setup-parallelism 16] [--skip-relay]";

    public static LoadOptions Parse(string[] args)
    {
        var options = new LoadOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int Number() => int.Parse(Value(), NumberStyles.None, CultureInfo.InvariantCulture);
            options = args[i] switch
            {
                "--server" => options with { Server = new Uri(Value()) },
                "--pairs" => options with { Pairs = Number() },
                "--messages" => options with { Messages = Number() },
                "--window" => options with { Window = Number() },
                "--payload" => options with { PayloadBytes = Number() },
                "--server-pid" => options with { ServerPid = Number() },
                "--timeout-seconds" => options with { Timeout = TimeSpan.FromSeconds(Number()) },
                "--setup-parallelism" => options with { SetupParallelism = Number() },
                "--skip-relay" => options with { SkipRelay = true },
                _ => throw new ArgumentException($"Unknown argument {args[i]}."),
            };
        }

        options.Validate();
        return options;
    }

    private void Validate()
    {
        // The tool generates real load: it only ever talks to this machine.
        if (Server is not null && !IsLoopback(Server))
        {
            throw new ArgumentException("--server must be a loopback address (127.0.0.1, ::1 or localhost).");
        }

        if (Pairs is < 1 or > 10_000 || Messages is < 1 or > 1_000_000 || Window is < 1 or > 10_000)
        {
            throw new ArgumentException("--pairs must be 1..10000, --messages 1..1000000, --window 1..10000.");
        }

        if (PayloadBytes is < Payload.HeaderBytes or > 65536)
        {
            throw new ArgumentException($"--payload must be {Payload.HeaderBytes}..65536 bytes.");
        }

        if (SkipRelay && Server is null)
        {
            throw new ArgumentException("--skip-relay needs --server: there would be nothing to run.");
        }
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
