using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Federation.Shared;

namespace Federation.Node.Security;

/// <summary>
/// The deployment CA's certificate revocation list, re-read when its file changes (looked at at
/// most once a second), so revoking a certificate takes effect without a restart. A CRL that
/// cannot be read or is not signed by the CA keeps the last good list in force and is logged.
/// </summary>
internal sealed partial class RevocationList(SecurityPaths paths, X509Certificate2? authority, TimeProvider time, ILogger<RevocationList> logger)
{
    private readonly Lock _gate = new();
    private HashSet<string> _revoked = [];
    private DateTime _loadedWrite = DateTime.MinValue;
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
            var written = File.Exists(path) ? File.GetLastWriteTimeUtc(path) : DateTime.MinValue;
            if (written == _loadedWrite)
            {
                return;
            }
            try
            {
                _revoked = Pki.ReadRevocationList(authority!, Pki.ReadCrlFile(path), out var number);
                _loadedWrite = written;
                LogLoaded(logger, path, _revoked.Count, number.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or System.Formats.Asn1.AsnContentException or FormatException)
            {
                _loadedWrite = written;
                LogUnreadable(logger, path, ex.Message);
            }
        }
    }

    [LoggerMessage(EventId = 2600, Level = LogLevel.Information, Message = "Revocation list {Path} loaded: {Count} certificate(s) revoked (CRL number {Number})")]
    private static partial void LogLoaded(ILogger logger, string path, int count, string number);

    [LoggerMessage(EventId = 2601, Level = LogLevel.Error, Message = "Revocation list {Path} cannot be used ({Problem}); the previous list stays in force")]
    private static partial void LogUnreadable(ILogger logger, string path, string problem);
}

/// <summary>The security files' paths, resolved against the config's directory.</summary>
internal sealed record SecurityPaths(string? CaPath, string? CrlPath, string AuditKeyPath, string DatabasePath);
