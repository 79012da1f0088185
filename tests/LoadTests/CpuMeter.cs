using System.Globalization;

namespace XChat.LoadTests;

/// <summary>CPU time of a process from /proc/PID/stat (utime + stime), for the server's share of the run.</summary>
internal sealed class CpuMeter
{
    // USER_HZ: the unit of utime and stime; 100 on every Linux this tool targets.
    private const double TicksPerSecond = 100;
    private readonly int _pid;

    public CpuMeter(int pid) => _pid = pid;

    public TimeSpan Read()
    {
        var stat = File.ReadAllText($"/proc/{_pid}/stat");
        // The command name (field 2) may contain spaces and parentheses: fields are counted after its last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var utime = long.Parse(fields[11], CultureInfo.InvariantCulture);
        var stime = long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds((utime + stime) / TicksPerSecond);
    }
}
