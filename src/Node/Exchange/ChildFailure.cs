
namespace Federation.Node.Exchange;

/// <summary>
/// Why a call to a child failed, in words an operator can act on: the gRPC status and its detail,
/// or, where the channel gives none or only its internal wording ("Error connecting to
/// subchannel."), what happened — as shown in a cached verification's reason, a child link's last
/// error and the statistics check.
/// </summary>
internal static class ChildFailure
{
    public static string Describe(RpcException exception)
    {
        var detail = exception.Status.Detail;
        if (exception.StatusCode == StatusCode.Unavailable && detail.Contains("subchannel", StringComparison.OrdinalIgnoreCase))
        {
            // The socket's own words ("Connection refused (127.0.0.1:7203)") are under the channel's.
            var cause = exception.Status.DebugException;
            while (cause?.InnerException is not null)
            {
                cause = cause.InnerException;
            }
            detail = cause is null ? "cannot connect to the child" : $"cannot connect to the child: {cause.Message}";
        }
        else if (detail.Length == 0)
        {
            detail = exception.StatusCode switch
            {
                StatusCode.DeadlineExceeded => "no answer within the deadline",
                StatusCode.Cancelled => "the call was cancelled",
                _ => "no detail given",
            };
        }
        return $"{exception.StatusCode}: {detail}";
    }
}
