namespace Federation.Node.Registration;

// Event ids 2700–2799 belong to the registration service. Citizen IDs are never logged: application
// and registration ids name the case.
internal static partial class RegistrationLog
{
    [LoggerMessage(2700, LogLevel.Information, "Application {ApplicationId} received for city {City}: {Status}, decision due {Due}", EventName = "ApplicationReceived")]
    public static partial void ApplicationReceived(ILogger logger, string applicationId, string city, string status, string due);

    [LoggerMessage(2701, LogLevel.Information, "Application {ApplicationId} {Status} (registration {RegistrationId})", EventName = "ApplicationDecided")]
    public static partial void ApplicationDecided(ILogger logger, string applicationId, string status, string registrationId);

    [LoggerMessage(2702, LogLevel.Information, "Registration {RegistrationId}: {Change}", EventName = "RegistrationChanged")]
    public static partial void RegistrationChanged(ILogger logger, string registrationId, string change);

    [LoggerMessage(2703, LogLevel.Information, "Link to {ChildId}: {Direction} connected at cursor {Cursor}", EventName = "LinkConnected")]
    public static partial void LinkConnected(ILogger logger, string childId, string direction, long cursor);

    [LoggerMessage(2704, LogLevel.Warning, "Link to {ChildId} ({Direction}) lost: {Reason}; reconnecting in {Seconds:0.0} s", EventName = "LinkLost")]
    public static partial void LinkLost(ILogger logger, string childId, string direction, string reason, double seconds);

    [LoggerMessage(2705, LogLevel.Debug, "From {ChildId}: change {Origin}#{OriginSeq} {Outcome}", EventName = "ChangeApplied")]
    public static partial void ChangeApplied(ILogger logger, string childId, string origin, long originSeq, string outcome);

    [LoggerMessage(2706, LogLevel.Error, "The registration feed disagrees with sealed period {Period}: {Differences} registration(s) differ, first {First}", EventName = "FeedDisagrees")]
    public static partial void FeedDisagrees(ILogger logger, string period, int differences, string first);

    // R-18 at entry (2800–2819): registration ids and city codes only, never the person.

    [LoggerMessage(2800, LogLevel.Warning, "Registration {RegistrationId} accepted provisionally: no stream from the parent is open, so the index of other cities' registrations may be behind; a parent flags it if the person is registered in another city too (R-18)", EventName = "AcceptedProvisionally")]
    public static partial void AcceptedProvisionally(ILogger logger, string registrationId);

    [LoggerMessage(2801, LogLevel.Warning, "One person validly registered in several cities ({Cities}): {Registrations}; one registration per person (R-18) — the office that registered last should check it", EventName = "DoubleRegistration")]
    public static partial void DoubleRegistration(ILogger logger, string registrations, string cities);
}
