using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Federation.Testing;

/// <summary>
/// A process started by a test: output captured line by line, waited for with timeouts, and
/// killed (with its children) on dispose so no test leaves a server behind.
/// </summary>
public sealed class ExternalProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _lock = new();
    private readonly List<(Regex Pattern, TaskCompletionSource<Match> Tcs)> _patternWaiters = [];
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ExternalProcess(Process process, string description)
    {
        _process = process;
        Description = description;
    }

    public string Description { get; }

    /// <summary>Everything written to stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_lock)
            {
                return _output.ToString();
            }
        }
    }

    public int Id => _process.Id;

    public Task<int> Exited => _exited.Task;

    public static ExternalProcess Start(string fileName, IEnumerable<string> arguments, string? workingDirectory = null,
        IDictionary<string, string>? environment = null)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? RepoPaths.Root,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                startInfo.Environment[key] = value;
            }
        }
        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var wrapper = new ExternalProcess(process, $"{fileName} {string.Join(' ', arguments)}");
        process.OutputDataReceived += (_, e) => wrapper.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => wrapper.OnLine(e.Data);
        process.Exited += (_, _) =>
        {
            // Let the asynchronous readers drain before reporting the exit.
            process.WaitForExit();
            wrapper._exited.TrySetResult(process.ExitCode);
            wrapper.FailPatternWaiters();
        };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"Could not start '{fileName}': {ex.Message}", ex);
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return wrapper;
    }

    /// <summary>Waits for an output line matching <paramref name="pattern"/>; fails with the output so far on timeout or exit.</summary>
    public async Task<Match> WaitForLineAsync(string pattern, TimeSpan? timeout = null)
    {
        var regex = new Regex(pattern);
        var tcs = new TaskCompletionSource<Match>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            foreach (var line in _output.ToString().Split('\n'))
            {
                var match = regex.Match(line);
                if (match.Success)
                {
                    return match;
                }
            }
            _patternWaiters.Add((regex, tcs));
        }
        if (_exited.Task.IsCompleted)
        {
            FailPatternWaiters();
        }
        try
        {
            return await tcs.Task.WaitAsync(timeout ?? TaskExtensions.DefaultTimeoutSpan);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"'{Description}' printed no line matching /{pattern}/ within {(timeout ?? TaskExtensions.DefaultTimeoutSpan).TotalSeconds:0} s. Output:\n{Output}");
        }
    }

    /// <summary>Waits for the process to exit and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        try
        {
            return await _exited.Task.WaitAsync(timeout ?? TimeSpan.FromMinutes(2));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"'{Description}' did not exit within {(timeout ?? TimeSpan.FromMinutes(2)).TotalSeconds:0} s. Output:\n{Output}");
        }
    }

    /// <summary>Kills the process (and its children) now.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        try
        {
            await _exited.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            // Nothing more we can do; the OS reaps it.
        }
        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_lock)
        {
            _output.AppendLine(line);
            for (var i = _patternWaiters.Count - 1; i >= 0; i--)
            {
                var match = _patternWaiters[i].Pattern.Match(line);
                if (match.Success)
                {
                    _patternWaiters[i].Tcs.TrySetResult(match);
                    _patternWaiters.RemoveAt(i);
                }
            }
        }
    }

    private void FailPatternWaiters()
    {
        lock (_lock)
        {
            foreach (var (pattern, tcs) in _patternWaiters)
            {
                tcs.TrySetException(new InvalidOperationException(
                    $"'{Description}' exited (code {(_process.HasExited ? _process.ExitCode : -1)}) before printing a line matching /{pattern}/. Output:\n{_output}"));
            }
            _patternWaiters.Clear();
        }
    }
}
