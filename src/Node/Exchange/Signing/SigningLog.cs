using Federation.Store;

namespace Federation.Node.Exchange.Signing;

// Event ids 2240–2249 belong to signed periods (within exchange's 2200–2299).
internal static partial class SigningLog
{
    [LoggerMessage(2240, LogLevel.Warning, "Period {Period} is sealed unsigned: this node has no certificate and key to sign with (Server:Tls); its parent accepts it only while it has never received a signed period from this node", EventName = "SealedUnsigned")]
    public static partial void SealedUnsigned(ILogger logger, Period period);

    [LoggerMessage(2241, LogLevel.Warning, "{ChildId}'s period {Period} carries no signature; accepted as unsigned (sealed before signed periods, or by a node without a certificate): no signed period of {ChildId} is held", EventName = "UnsignedPeriodAccepted")]
    public static partial void UnsignedAccepted(ILogger logger, string childId, Period period);

    [LoggerMessage(2242, LogLevel.Error, "Refused {ChildId}'s period {Period}: {Problem}", EventName = "SignedPeriodRefused")]
    public static partial void Refused(ILogger logger, string childId, Period period, string problem);

    [LoggerMessage(2243, LogLevel.Error, "{NodeId} presented, through {ChildId}, a signed manifest for period {Period} that differs from the one held; refused, the one held is kept", EventName = "SignedPeriodReplaced")]
    public static partial void Replaced(ILogger logger, string nodeId, string childId, string period);

    [LoggerMessage(2244, LogLevel.Information, "Checked the signatures of {ChildId}'s period {Period}: {Count} signed manifests (its own and from below), {Recorded} new", EventName = "SignedPeriodChecked")]
    public static partial void Checked(ILogger logger, string childId, Period period, int count, int recorded);
}
