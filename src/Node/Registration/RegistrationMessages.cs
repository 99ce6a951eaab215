using System.Globalization;
using Federation.Protocol.V1;
using Federation.Store.Registration;

namespace Federation.Node.Registration;

/// <summary>The journal's records as protocol messages and back (dates YYYY-MM-DD, empty for none).</summary>
internal static class RegistrationMessages
{
    public static Application ToMessage(ApplicationRecord a, DateOnly? today = null) => new()
    {
        ApplicationId = a.ApplicationId,
        CitizenId = a.CitizenId,
        Name = a.Name,
        PlaceType = a.PlaceType,
        PlaceDivision = a.PlaceDivision,
        Category = a.Category,
        PlatformReference = a.PlatformReference,
        ReceivedOn = Day(a.ReceivedOn),
        CityDivision = a.CityDivision,
        DecisionDue = Day(a.DecisionDue),
        Status = a.Status,
        DecidedOn = Day(a.DecidedOn),
        RefusalReason = a.RefusalReason,
        RegistrationId = a.RegistrationId,
        ContactDue = Day(a.ContactDue),
        ContactedOn = Day(a.ContactedOn),
        // As RegistrationJournal's DecisionOverdue / ContactOverdue say it in SQL.
        DecisionOverdue = today is { } d && a.Status == ApplicationRecord.Pending && Standards.WorkingCalendar.Overdue(a.DecisionDue, d),
        ContactOverdue = today is { } t && a.Status == ApplicationRecord.Accepted && a.ContactedOn is null && a.ContactDue is { } due
            && Standards.WorkingCalendar.Overdue(due, t),
    };

    public static ApplicationRecord FromMessage(Application a) => new(a.ApplicationId, a.CitizenId, a.Name, a.PlaceType, a.PlaceDivision, a.Category,
        a.PlatformReference, ParseDay(a.ReceivedOn)!.Value, a.CityDivision, ParseDay(a.DecisionDue)!.Value, a.Status, ParseDay(a.DecidedOn),
        a.RefusalReason, a.RegistrationId, ParseDay(a.ContactDue), ParseDay(a.ContactedOn));

    public static RegistrationState ToMessage(RegistrationRecord r)
    {
        var message = new RegistrationState
        {
            RegistrationId = r.RegistrationId,
            CitizenId = r.CitizenId,
            Category = r.Category,
            RegisterDate = Day(r.RegisterDate),
            CancelDate = Day(r.CancelDate),
            CancelReason = r.CancelReason,
            HandlingDivision = r.HandlingDivision,
            Sources = r.Sources,
        };
        message.ApplicationIds.AddRange(r.ApplicationIds);
        return message;
    }

    public static RegistrationRecord FromMessage(RegistrationState r, string origin) => new(r.RegistrationId, r.CitizenId, r.Category,
        ParseDay(r.RegisterDate)!.Value, ParseDay(r.CancelDate), r.CancelReason, r.HandlingDivision, r.Sources, [.. r.ApplicationIds], origin);

    public static string Day(DateOnly? day) => day?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "";

    public static DateOnly? ParseDay(string text) =>
        text.Length == 0 ? null : DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);
}
