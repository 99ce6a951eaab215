namespace Federation.Node.Web;

// Event ids 2900–2929 belong to the web pages. Never rename an event once shipped. Nothing
// personal is logged: account ids and reasons only, never a number, an ID or a name typed in.
internal static partial class WebLog
{
    [LoggerMessage(2900, LogLevel.Information, "Web pages listening on {Address}", EventName = "WebListening")]
    public static partial void Listening(ILogger logger, string address);

    [LoggerMessage(2901, LogLevel.Information, "Web sign-in of account {AccountId}", EventName = "WebSignedIn")]
    public static partial void SignedIn(ILogger logger, string accountId);

    [LoggerMessage(2902, LogLevel.Warning, "Web sign-in refused: {Reason}", EventName = "WebSignInRefused")]
    public static partial void SignInRefused(ILogger logger, string reason);

    [LoggerMessage(2903, LogLevel.Information, "Web session of account {AccountId} ended: {Reason}", EventName = "WebSessionEnded")]
    public static partial void SessionEnded(ILogger logger, string accountId, string reason);

    [LoggerMessage(2904, LogLevel.Warning, "Web sign-ins locked out for a client address after repeated failed sign-ins", EventName = "WebSignInsLocked")]
    public static partial void SignInsLocked(ILogger logger);

    [LoggerMessage(2905, LogLevel.Error, "Web page {Path} failed", EventName = "WebPageFailed")]
    public static partial void PageFailed(ILogger logger, Exception exception, string path);
}
