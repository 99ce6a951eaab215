using System.Globalization;
using Federation.Standards;
using Microsoft.Extensions.Options;

namespace Federation.Node.Registration;

/// <summary>
/// The registration service's settings (section <c>Registration</c>): the working-day calendar its
/// deadlines are counted in (docs/registration.md). Each year's State Council notice on public
/// holidays lists the days off and the make-up working days (调休); operators add them here.
/// </summary>
internal sealed class RegistrationOptions
{
    public const string Section = "Registration";

    /// <summary>Public holidays that fall on weekdays, YYYY-MM-DD.</summary>
    public List<string> Holidays { get; set; } = [];

    /// <summary>Weekend days worked instead (调休), YYYY-MM-DD.</summary>
    public List<string> MakeUpWorkingDays { get; set; } = [];

    /// <summary>Working days to decide an application, counted from the day after receipt.</summary>
    public int DecisionWorkingDays { get; set; } = 3;

    /// <summary>Working days to contact the worker, counted from the day after the decision.</summary>
    public int ContactWorkingDays { get; set; } = 5;

    public WorkingCalendar Calendar() => new(Holidays.Select(Parse), MakeUpWorkingDays.Select(Parse));

    internal static DateOnly Parse(string text) => DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>Names the bad key of <see cref="RegistrationOptions"/>, so the node refuses to start with why.</summary>
internal sealed class RegistrationOptionsValidator : IValidateOptions<RegistrationOptions>
{
    public ValidateOptionsResult Validate(string? name, RegistrationOptions options)
    {
        var problems = new List<string>();
        Dates(options.Holidays, "Holidays", problems);
        Dates(options.MakeUpWorkingDays, "MakeUpWorkingDays", problems);
        if (problems.Count == 0)
        {
            try
            {
                options.Calendar();
            }
            catch (ArgumentException ex)
            {
                problems.Add($"Registration: {ex.Message}");
            }
        }
        if (options.DecisionWorkingDays is < 1 or > 30)
        {
            problems.Add($"Registration:DecisionWorkingDays must be 1 … 30, got {options.DecisionWorkingDays}");
        }
        if (options.ContactWorkingDays is < 1 or > 30)
        {
            problems.Add($"Registration:ContactWorkingDays must be 1 … 30, got {options.ContactWorkingDays}");
        }
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static void Dates(List<string> values, string key, List<string> problems)
    {
        for (var i = 0; i < values.Count; i++)
        {
            if (!DateOnly.TryParseExact(values[i], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            {
                problems.Add($"Registration:{key}:{i} must be a date YYYY-MM-DD, got '{values[i]}'");
            }
        }
    }
}

/// <summary>
/// Wakes whoever waits for "something new": a pulse completes the current wait and starts the
/// next, so a waiter that re-checks after waking never misses a change made while it was busy.
/// </summary>
internal sealed class Pulse
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A task completed by the next <see cref="Signal"/> after this call.</summary>
    public Task Next() => Volatile.Read(ref _next).Task;

    public void Signal() => Interlocked.Exchange(ref _next, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}

/// <summary>The registration service's two pulses: a new application to pass down, a new change in this node's feed.</summary>
internal sealed class RegistrationSignals
{
    private int _parentStreams;

    public Pulse Applications { get; } = new();
    public Pulse Feed { get; } = new();

    /// <summary>Whether a stream from the parent (applications and the index down) is open now.</summary>
    public bool ParentConnected => Volatile.Read(ref _parentStreams) > 0;

    /// <summary>Counts an open stream from the parent until the returned value is disposed.</summary>
    public IDisposable ParentStreamOpen()
    {
        Interlocked.Increment(ref _parentStreams);
        return new DisposeOnce(() => Interlocked.Decrement(ref _parentStreams));
    }
}
