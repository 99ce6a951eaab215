namespace Federation.Fedctl;

/// <summary>fedctl's exit codes, for scripts.</summary>
internal static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Ok = 0;
    /// <summary>A negative answer or a refusal (not genuine, not found, invalid request).</summary>
    public const int Negative = 1;
    /// <summary>Bad usage: unknown command, missing or malformed argument.</summary>
    public const int Usage = 2;
    /// <summary>The node is unreachable or did not answer in time.</summary>
    public const int Unavailable = 3;
    /// <summary>Credentials missing or permission denied.</summary>
    public const int Permission = 4;
}
