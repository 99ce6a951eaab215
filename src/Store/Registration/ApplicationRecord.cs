namespace Federation.Store.Registration;

/// <summary>An application for unemployment registration as a node keeps it (docs/registration.md).</summary>
public sealed record ApplicationRecord(
    string ApplicationId, string CitizenId, string Name, string PlaceType, string PlaceDivision, string Category,
    string PlatformReference, DateOnly ReceivedOn, string CityDivision, DateOnly DecisionDue,
    string Status, DateOnly? DecidedOn, string RefusalReason, string RegistrationId, DateOnly? ContactDue, DateOnly? ContactedOn)
{
    public const string Pending = "pending";
    public const string Accepted = "accepted";
    public const string Refused = "refused";
}
