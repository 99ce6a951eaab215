namespace Federation.Store;

/// <summary>
/// Candidate rows and point questions for the indicator rules, over one scope. Only valid records
/// are seen. Sealed data never changes, so the answers of one session are consistent.
/// </summary>
public interface IIndicatorReader : IDisposable
{
    /// <summary>Employment registrations with start in [<paramref name="from"/>, <paramref name="to"/>].</summary>
    IEnumerable<EmploymentStart> EmploymentStarts(DateOnly from, DateOnly to);

    /// <summary>
    /// Whether the person has another registration (not <paramref name="start"/>'s own) of the same
    /// form, started before 1 January of its year and still open on 31 December before it — with
    /// the same employer for unit and self-employed forms (R-10's continuation across a year).
    /// </summary>
    bool ContinuesAcrossYear(EmploymentStart start);

    /// <summary>The category of the person's latest unemployment registration before <paramref name="before"/>, or null.</summary>
    string? LatestUnemploymentCategory(string citizenId, DateOnly before);

    /// <summary>Assistance exits in [<paramref name="from"/>, <paramref name="to"/>] for one of <paramref name="reasons"/>.</summary>
    IEnumerable<AssistanceExit> AssistanceExits(DateOnly from, DateOnly to, IReadOnlyCollection<string> reasons);

    /// <summary>Whether the person has an employment registration starting on or after <paramref name="date"/>.</summary>
    bool EmployedFrom(string citizenId, DateOnly date);

    /// <summary>Persons (and the handling division) with an unemployment registration open on <paramref name="on"/>.</summary>
    IEnumerable<(string CitizenId, string HandlingDivision)> UnemployedOn(DateOnly on);

    /// <summary>Valid unemployment registrations registered or cancelled in [<paramref name="from"/>, <paramref name="to"/>].</summary>
    IEnumerable<UnemploymentSpell> UnemploymentFlows(DateOnly from, DateOnly to);

    /// <summary>
    /// The valid monthly reports of <paramref name="surveyMonth"/> (YYYY-MM) of valid sample entries,
    /// with their entry's attributes, ordered by origin and credit code.
    /// </summary>
    IEnumerable<MonitoredReport> EnterpriseReports(string surveyMonth);
}
