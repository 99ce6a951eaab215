namespace Federation.Node.Verification;

// Event ids 2300–2399 belong to verification. Subjects are masked: never a full ID in a log.
internal static partial class VerificationLog
{
    [LoggerMessage(2300, LogLevel.Debug, "Verified {Kind} {Subject}: found {Found}, {Sources} sources, {Unanswered} children unanswered", EventName = "VerificationAnswered")]
    public static partial void Answered(ILogger logger, string kind, string subject, bool found, int sources, int unanswered);

    [LoggerMessage(2301, LogLevel.Warning, "Answered from {ChildId}'s snapshot of {Period}: the child did not answer ({Reason})", EventName = "AnsweredFromCache")]
    public static partial void AnsweredFromCache(ILogger logger, string childId, string period, string reason);
}
