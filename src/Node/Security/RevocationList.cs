using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Federation.Shared;

namespace Federation.Node.Security;

/// <summary>
/// The deployment CA's certificate revocation list, re-read when its file changes (looked at at
/// most once a second), so revoking a certificate takes effect without a restart — for callers,
/// and for the children a parent calls. A CRL that cannot be read (half copied, say) or is not
/// signed by the CA is logged and tried again a second later, the last good list staying in
/// force; an older CRL (a lower CRL number) is refused, so a revocation cannot be undone by
/// putting an old file back.
/// </summary>
internal sealed partial class RevocationList(SecurityPaths paths, X509Certificate2? authority, TimeProvider time, ILogger<RevocationList> logger)
{
    private readonly Lock _gate = new();
    private HashSet<string> _revoked = [];
    private (DateTime Written, long Length) _loaded = (DateTime.MinValue, -1);
    private BigInteger _number = BigInteger.MinusOne;
    private long _lastLook = long.MinValue;

    public bool IsRevoked(X509Certificate2 certificate)
    {
        if (paths.CrlPath is null || authority is null)
        {
            return false;
        }
        Refresh();
        return _revoked.Contains(Pki.SerialHex(certificate));
    }

    private void Refresh()
    {
        var now = time.GetTimestamp();
        if (_lastLook != long.MinValue && time.GetElapsedTime(_lastLook, now) < TimeSpan.FromSeconds(1))
        {
            return;
        }
        lock (_gate)
        {
            _lastLook = now;
            var path = paths.CrlPath!;
            var file = new FileInfo(path);
            var seen = file.Exists ? (file.LastWriteTimeUtc, file.Length) : (DateTime.MinValue, -1L);
            if (seen == _loaded)
            {
                return;
            }
            try
            {
                var revoked = Pki.ReadRevocationList(authority!, Pki.ReadCrlFile(path), out var number);
                _loaded = seen;
                if (number < _number)
                {
                    LogOlder(logger, path, number.ToString(System.Globalization.CultureInfo.InvariantCulture), _number.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    return;
                }
                _revoked = revoked;
                _number = number;
                LogLoaded(logger, path, _revoked.Count, number.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or System.Formats.Asn1.AsnContentException or FormatException)
            {
                // Not marked as loaded: looked at again in a second (a copy may still be under way).
                LogUnreadable(logger, path, ex.Message);
            }
        }
    }

    [LoggerMessage(EventId = 2600, Level = LogLevel.Information, Message = "Revocation list {Path} loaded: {Count} certificate(s) revoked (CRL number {Number})")]
    private static partial void LogLoaded(ILogger logger, string path, int count, string number);

    [LoggerMessage(EventId = 2601, Level = LogLevel.Error, Message = "Revocation list {Path} cannot be used ({Problem}); the previous list stays in force")]
    private static partial void LogUnreadable(ILogger logger, string path, string problem);

    [LoggerMessage(EventId = 2604, Level = LogLevel.Error, Message = "Revocation list {Path} is older (CRL number {Number}) than the one in force ({Current}); refused")]
    private static partial void LogOlder(ILogger logger, string path, string number, string current);
}

/// <summary>The security files' paths, resolved against the config's directory.</summary>
internal sealed record SecurityPaths(string? CaPath, string? CrlPath, string AuditKeyPath, string DatabasePath);
