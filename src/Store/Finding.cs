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

    public static IReadOnlyList<string> Kinds { get; } = [CertificateIssuedTwice, DuplicateUnemployment, DuplicateEmployment, ConflictingState];
}
