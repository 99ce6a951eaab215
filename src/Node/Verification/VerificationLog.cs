namespace Federation.Node.Verification;

// Event ids 2300–2399 belong to verification. Subjects are masked: never a full ID in a log.
internal static partial class VerificationLog
{
    [LoggerMessage(2300, LogLevel.Debug, "Verified {Kind} {Subject}: found {Found}, {Sources} sources, {Unanswered} children unanswered", EventName = "VerificationAnswered")]
    public static partial void Answered(ILogger logger, string kind, string subject, bool found, int sources, int unanswered);

    [LoggerMessage(2301, LogLevel.Warning, "Answered from {ChildId}'s snapshot of {Period}: the child did not answer ({Reason})", EventName = "AnsweredFromCache")]
    public static partial void AnsweredFromCache(ILogger logger, string childId, string period, string reason);

    // 2610–2619: callers proven end to end (docs/security.md).
    [LoggerMessage(2610, LogLevel.Information, "Did not ask {ChildId} for a caller who did not sign the call (a token or a client that does not sign); answered from this node's copy, if any", EventName = "UnsignedCallNotForwarded")]
    public static partial void UnsignedCallNotForwarded(ILogger logger, string childId);

    // Issue 20's range (2620–2639): nothing about the number or its answer, only that the copy served.
    [LoggerMessage(2622, LogLevel.Warning, "Public check answered from the copy of {ChildId}'s snapshot: the child did not answer ({Reason})", EventName = "PublicCheckFromCache")]
    public static partial void PublicCheckFromCache(ILogger logger, string childId, string reason);
}
