using System.Diagnostics;
using System.Runtime.InteropServices;

namespace XChat.Integration.Tests.Cluster;

/// <summary>
/// One real server process (a silo or a gateway) started by a test: `dotnet &lt;dll&gt;` with its own
/// environment. Its output is kept: the last lines for failure messages, and every line (stdout and
/// stderr) for tests that check what the process logs. Only this process is ever killed, by its PID.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private const int SigTerm = 15;

    private const int KeptLines = 200;
    private readonly Process _process;
    private readonly Queue<string> _output = new();
    private readonly List<string> _allOutput = [];

    private ChildProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The exit code; only valid once <see cref="HasExited"/>.</summary>
    public int ExitCode => _process.ExitCode;

    public static ChildProcess Start(string name, string dll, IEnumerable<string> args, IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        info.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var child = new ChildProcess(name, process);
        process.OutputDataReceived += (_, e) => child.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => child.Keep(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {name} ({dll}).");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>The last lines the process wrote, for a failure message.</summary>
    public string OutputTail()
    {
        lock (_output)
        {
            return $"--- {Name} (pid {Id}{(HasExited ? $", exited {_process.ExitCode}" : string.Empty)}) ---{Environment.NewLine}{string.Join(Environment.NewLine, _output)}";
        }
    }

    /// <summary>
    /// Every line the process wrote to stdout and stderr so far, from its start. Complete once the
    /// process exited (<see cref="TerminateAsync"/> waits for the end of both streams).
    /// </summary>
    public IReadOnlyList<string> AllOutput()
    {
        lock (_output)
        {
            return _allOutput.ToArray();
        }
    }

    /// <summary>SIGKILL: no shutdown, no goodbye to the cluster (a crash, as far as the others can tell).</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: false);
        }

        _process.WaitForExit(10_000);
    }

    /// <summary>SIGTERM, what an orchestrator sends first: the process shuts down gracefully. Waits at most <paramref name="timeout"/>; true when it exited.</summary>
    public async Task<bool> TerminateAsync(TimeSpan timeout)
    {
        if (!_process.HasExited && SendSignal(_process.Id, SigTerm) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}.");
        }

        using var waiting = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(waiting.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        try
        {
            Kill();
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }

        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _allOutput.Add(line);
            _output.Enqueue(line);
            while (_output.Count > KeptLines)
            {
                _output.Dequeue();
            }
        }
    }

    // Process.Kill sends SIGKILL only; libc's kill(2) sends any signal.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    // The host that runs the tests (set by `dotnet test`), so the servers run on the same runtime.
    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}
