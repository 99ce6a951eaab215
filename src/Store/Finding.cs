namespace Federation.Store;

/// <summary>
/// A cross-child comparison (比对) finding of a merged period: what kind, about whom or what (a
/// citizen ID or a certificate number), which origins (nodes) hold the conflicting records, and a
/// sentence saying what conflicts.
/// </summary>
public sealed record Finding(Period Period, string Kind, string Subject, IReadOnlyList<string> Origins, string Detail)
{
    /// <summary>The same certificate number issued in two or more places.</summary>
    public const string CertificateIssuedTwice = "certificate_issued_twice";

    /// <summary>A person registered unemployed (valid, not cancelled) in two or more places.</summary>
    public const string DuplicateUnemployment = "duplicate_unemployment_registration";

    /// <summary>A person with open employment registrations in two or more places.</summary>
    public const string DuplicateEmployment = "duplicate_employment_registration";

    /// <summary>A person registered unemployed in one place while registered employed in another.</summary>
    public const string ConflictingState = "conflicting_state";

    // Enterprise monitoring's sample checks (SampleChecks): the subject is the city (its node id),
    // or for the last two the enterprise's credit code.

    /// <summary>A city's sample is more than 40 % manufacturing.</summary>
    public const string SampleManufacturing = "sample_manufacturing_over_40_percent";

    /// <summary>Small and medium enterprises are less than 60 % of a city's sample.</summary>
    public const string SampleSme = "sample_sme_under_60_percent";

    /// <summary>State-owned enterprises (110) are more than a third of a city's sample.</summary>
    public const string SampleStateOwned = "sample_state_owned_over_one_third";

    /// <summary>Micro enterprises in a city's sample (the importer refuses them; an older store may hold some).</summary>
    public const string SampleMicro = "sample_micro_enterprises";

    /// <summary>A city's sample is below its minimum size, or its population is not configured.</summary>
    public const string SampleSize = "sample_below_minimum";

    /// <summary>A sample entry without a report for the month.</summary>
    public const string MissingReport = "missing_monthly_report";

    /// <summary>An enterprise in the samples of two or more cities.</summary>
    public const string SampledTwice = "enterprise_sampled_by_two_cities";

    public static IReadOnlyList<string> Kinds { get; } = [CertificateIssuedTwice, DuplicateUnemployment, DuplicateEmployment, ConflictingState,
        SampleManufacturing, SampleSme, SampleStateOwned, SampleMicro, SampleSize, MissingReport, SampledTwice];
}
