namespace Federation.Store;

/// <summary>An employment registration that started in a range (R-10 candidates).</summary>
public sealed record EmploymentStart(string RegistrationId, string CitizenId, string Form, string EmployerCreditCode, DateOnly Start, string HandlingDivision);
