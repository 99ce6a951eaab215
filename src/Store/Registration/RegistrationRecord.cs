namespace Federation.Store.Registration;

/// <summary>An unemployment registration the service made or learnt of through the feed; <see cref="Origin"/> is the city node that holds it.</summary>
public sealed record RegistrationRecord(
    string RegistrationId, string CitizenId, string Category, DateOnly RegisterDate, DateOnly? CancelDate, string CancelReason,
    string HandlingDivision, string Sources, IReadOnlyList<string> ApplicationIds, string Origin)
{
    /// <summary>Valid on <paramref name="day"/>: from the start up to, not including, the exit day.</summary>
    public bool OpenOn(DateOnly day) => RegisterDate <= day && (CancelDate is null || day < CancelDate);
}
