using System.Runtime.CompilerServices;

namespace Federation.Testing;

/// <summary>Every await in a test gets a timeout that names where it was awaited.</summary>
public static class TaskExtensions
{
    public static readonly TimeSpan DefaultTimeoutSpan = TimeSpan.FromSeconds(30);

    public static Task DefaultTimeout(this Task task, [CallerFilePath] string? filePath = null, [CallerLineNumber] int lineNumber = 0) =>
        task.TimeoutAfter(DefaultTimeoutSpan, filePath, lineNumber);

    public static Task<T> DefaultTimeout<T>(this Task<T> task, [CallerFilePath] string? filePath = null, [CallerLineNumber] int lineNumber = 0) =>
        task.TimeoutAfter(DefaultTimeoutSpan, filePath, lineNumber);

    public static async Task TimeoutAfter(this Task task, TimeSpan timeout, string? filePath, int lineNumber)
    {
        try
        {
            await task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The awaited task at {Path.GetFileName(filePath)}:{lineNumber} did not complete within {timeout.TotalSeconds:0} s.");
        }
    }

    public static async Task<T> TimeoutAfter<T>(this Task<T> task, TimeSpan timeout, string? filePath, int lineNumber)
    {
        try
        {
            return await task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The awaited task at {Path.GetFileName(filePath)}:{lineNumber} did not complete within {timeout.TotalSeconds:0} s.");
        }
    }
}
