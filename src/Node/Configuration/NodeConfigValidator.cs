using System.Text.RegularExpressions;
using Federation.Standards;

namespace Federation.Node.Configuration;

/// <summary>
/// Checks a node's configuration before anything starts. Every problem is reported, each naming
/// the setting (as <c>Section:Key</c>), its value and the rule, so an operator can fix the file
/// in one go.
/// </summary>
internal static partial class NodeConfigValidator
{
    public static IReadOnlyList<string> Validate(NodeOptions node, ServerOptions server, LogOptions log, bool checkFiles = true)
    {
        var errors = new List<string>();

        if (!IdPattern().IsMatch(node.Id))
        {
            errors.Add($"Node:Id is '{node.Id}'; it must be 1–64 characters of letters, digits, '-', '_' or '.', e.g. \"city-440100\".");
        }
        var levelValid = NodeLevels.TryParse(node.Level, out var level);
        if (!levelValid)
        {
            errors.Add($"Node:Level is '{node.Level}'; it must be one of city, province, ministry.");
        }
        if (!DivisionPattern().IsMatch(node.DivisionCode))
        {
            errors.Add($"Node:DivisionCode is '{node.DivisionCode}'; it must be a 6-digit GB/T 2260 code (e.g. 440100 for a city, 440000 for a province, 000000 for the ministry).");
        }
        else if (levelValid)
        {
            var code = node.DivisionCode;
            var rule = level switch
            {
                NodeLevel.Ministry when code != "000000" => "the ministry's jurisdiction is the whole country, 000000",
                NodeLevel.Province when code == "000000" || !code.EndsWith("0000", StringComparison.Ordinal) => "a province's code ends in 0000 (PP0000)",
                NodeLevel.City when code.EndsWith("0000", StringComparison.Ordinal) => "a city's code names a prefecture (PPCC00) or a province-administered county-level unit (PPCCDD)",
                _ => null,
            };
            if (rule is not null)
            {
                errors.Add($"Node:DivisionCode is '{code}' but Node:Level is {level.Name()}: {rule}.");
            }
            else if (level != NodeLevel.Ministry)
            {
                var division = DivisionTable.Default.Find(code);
                if (division is null)
                {
                    errors.Add($"Node:DivisionCode is '{code}', which is not in the GB/T 2260 division table.");
                }
                else if (level == NodeLevel.City && division.Level == DivisionLevel.County && division.PrefectureCode is not null)
                {
                    errors.Add($"Node:DivisionCode is '{code}' ({division.Name}), a county inside prefecture {division.PrefectureCode}; a city node serves a prefecture or a county-level unit directly under a province.");
                }
            }
        }

        if (levelValid && DivisionPattern().IsMatch(node.DivisionCode))
        {
            ValidateChildren(node, level, errors);
        }

        if (!Uri.TryCreate(server.Listen, UriKind.Absolute, out var listen) || (listen.Scheme != "http" && listen.Scheme != "https") ||
            listen.AbsolutePath != "/" || listen.Port < 0)
        {
            errors.Add($"Server:Listen is '{server.Listen}'; it must be http://host:port (cleartext HTTP/2) or https://host:port (TLS), e.g. http://127.0.0.1:7000.");
        }
        else if (listen.Scheme == "https" && server.Tls is null)
        {
            errors.Add($"Server:Listen is '{server.Listen}' (https) but Server:Tls is missing; give Server:Tls:CertificatePath and Server:Tls:KeyPath.");
        }
        if (server.Tls is { } tls)
        {
            if (listen?.Scheme == "http")
            {
                errors.Add("Server:Tls is set but Server:Listen is http://; use an https:// address to serve TLS.");
            }
            CheckFile(errors, "Server:Tls:CertificatePath", tls.CertificatePath, checkFiles);
            CheckFile(errors, "Server:Tls:KeyPath", tls.KeyPath, checkFiles);
            if (tls.ClientCertificates is not ("none" or "allow" or "require"))
            {
                errors.Add($"Server:Tls:ClientCertificates is '{tls.ClientCertificates}'; it must be none, allow or require.");
            }
            else if (tls.ClientCertificates != "none")
            {
                CheckFile(errors, "Server:Tls:ClientCaPath", tls.ClientCaPath, checkFiles);
            }
        }
        if (server.MetricsListen is { } metrics)
        {
            if (!Uri.TryCreate(metrics, UriKind.Absolute, out var metricsUri) || metricsUri.Scheme != "http" || metricsUri.AbsolutePath != "/" || metricsUri.Port < 0)
            {
                errors.Add($"Server:MetricsListen is '{metrics}'; it must be http://host:port with a port of its own (Prometheus scrapes /metrics there; 0 picks a free one), e.g. http://127.0.0.1:9464.");
            }
            else if (listen is not null && metricsUri.Port != 0 && metricsUri.Port == listen.Port)
            {
                errors.Add($"Server:MetricsListen is '{metrics}', on the same port as Server:Listen; metrics need a port of their own.");
            }
        }
        if (server.MaxReceiveMessageSize is < 1024 or > 256 * 1024 * 1024)
        {
            errors.Add($"Server:MaxReceiveMessageSize is {server.MaxReceiveMessageSize}; it must be between 1024 and 268435456 bytes.");
        }

        if (!Enum.TryParse<Serilog.Events.LogEventLevel>(log.MinimumLevel, ignoreCase: true, out _))
        {
            errors.Add($"Log:MinimumLevel is '{log.MinimumLevel}'; it must be one of Verbose, Debug, Information, Warning, Error, Fatal.");
        }
        if (string.IsNullOrWhiteSpace(log.Directory))
        {
            errors.Add("Log:Directory is empty; give a directory for the log files, e.g. \"logs\".");
        }
        if (log.RetainedDays is < 1 or > 3650)
        {
            errors.Add($"Log:RetainedDays is {log.RetainedDays}; it must be between 1 and 3650.");
        }
        return errors;
    }

    /// <summary>
    /// The security settings (docs/security.md): no cleartext except on loopback, the node's own
    /// certificate names this node, the CA and CRL files exist, a sane public-check rate.
    /// </summary>
    public static IEnumerable<string> ValidateSecurity(NodeOptions node, ServerOptions server, Security.SecurityOptions security, Security.SecurityPaths paths, bool checkFiles = true)
    {
        foreach (var (setting, address) in new[] { ("Server:Listen", server.Listen), ("Server:MetricsListen", server.MetricsListen) })
        {
            if (address is not null && Uri.TryCreate(address, UriKind.Absolute, out var uri) && uri.Scheme == "http" && !IsLoopback(uri.Host))
            {
                yield return $"{setting} is '{address}': a node listens in cleartext on loopback only (127.0.0.1, ::1, localhost). " +
                             (setting == "Server:Listen" ? "Serve https:// with Server:Tls (Federation.Node pki node issues the certificate)." : "Scrape through loopback or a local agent.");
            }
        }
        if (security.Crypto is not ("standard" or "national"))
        {
            yield return $"Security:Crypto is '{security.Crypto}'; it must be standard (ECDSA P-256, SHA-256) or national (SM2/SM3, GM/T 0054).";
        }
        else if (security.National && checkFiles && server.Tls is not null)
        {
            foreach (var (setting, file) in new[] { ("Security:Sm2CertificatePath", security.Sm2CertificatePath), ("Security:Sm2KeyPath", security.Sm2KeyPath) })
            {
                if (file is null || !File.Exists(file))
                {
                    yield return $"{setting} is '{file}', which does not exist; with Security:Crypto national a node signs its periods with an SM2 certificate of the deployment's CA (Federation.Node pki node --crypto national).";
                }
            }
        }
        if (node.ParentId is { Length: > 0 } parent && !IdPattern().IsMatch(parent))
        {
            yield return $"Node:ParentId is '{parent}'; it must be a node id (letters, digits, '-', '_' or '.').";
        }
        if (node.ParentId is { Length: > 0 } && NodeLevels.TryParse(node.Level, out var level) && level == NodeLevel.Ministry)
        {
            yield return "Node:ParentId is set on the ministry, which has no parent.";
        }
        if (checkFiles && server.Tls is { } tls && File.Exists(tls.CertificatePath))
        {
            string? problem;
            try
            {
                using var certificate = Federation.Shared.CertificateAuthority.LoadPem(tls.CertificatePath);
                var identity = Federation.Shared.CertificateIdentity.Read(certificate, out problem);
                if (identity is not null && (identity.Kind != Federation.Shared.IdentityKind.Node || identity.Id != node.Id || identity.DivisionCode != node.DivisionCode))
                {
                    problem = $"it names {identity.Kind.ToString().ToLowerInvariant()} {identity.Id}{(identity.DivisionCode is null ? "" : $" ({identity.DivisionCode})")}";
                }
            }
            catch (System.Security.Cryptography.CryptographicException ex)
            {
                problem = "it is not a PEM certificate: " + ex.Message;
            }
            if (problem is not null)
            {
                yield return $"Server:Tls:CertificatePath '{tls.CertificatePath}' is not this node's certificate ({problem}); it must name node {node.Id} of division {node.DivisionCode} — issue one with: Federation.Node pki node --id {node.Id} --division {node.DivisionCode}.";
            }
        }
        if (checkFiles && paths.CaPath is { } ca && !File.Exists(ca))
        {
            yield return $"Security:CaPath (or Server:Tls:ClientCaPath) is '{ca}', which does not exist.";
        }
        if (paths.CrlPath is { } crl)
        {
            if (checkFiles && !File.Exists(crl))
            {
                yield return $"Security:CrlPath is '{crl}', which does not exist (Federation.Node pki init writes an empty one).";
            }
            if (paths.CaPath is null)
            {
                yield return "Security:CrlPath is set but no CA is (Security:CaPath or Server:Tls:ClientCaPath): a CRL is checked against its CA.";
            }
        }
        if (security.PublicCheckPerMinute is < 1 or > 1_000_000 || security.PublicCheckBurst is < 1 or > 1_000_000)
        {
            yield return $"Security:PublicCheckPerMinute ({security.PublicCheckPerMinute}) and Security:PublicCheckBurst ({security.PublicCheckBurst}) must be between 1 and 1000000.";
        }
        if (security.CallerClockSkew < TimeSpan.FromSeconds(1) || security.CallerClockSkew > TimeSpan.FromHours(1))
        {
            yield return $"Security:CallerClockSkew ({security.CallerClockSkew}) must be between 00:00:01 and 01:00:00.";
        }
        foreach (var (setting, value, max) in new[]
        {
            ("PublicCheckMinimumTime", security.PublicCheckMinimumTime, TimeSpan.FromSeconds(5)),
            ("FailedSignInDelay", security.FailedSignInDelay, TimeSpan.FromMinutes(1)),
            ("FailedSignInMaxDelay", security.FailedSignInMaxDelay, TimeSpan.FromMinutes(1)),
            ("FailedSignInLockout", security.FailedSignInLockout, TimeSpan.FromDays(1)),
            ("FailedSignInWindow", security.FailedSignInWindow, TimeSpan.FromDays(1)),
            ("AuditRefusalWindow", security.AuditRefusalWindow, TimeSpan.FromHours(1)),
        })
        {
            if (value < TimeSpan.Zero || value > max)
            {
                yield return $"Security:{setting} ({value}) must be between 00:00:00 and {max}.";
            }
        }
        if (security.FailedSignInsFree < 0 || security.FailedSignInsBeforeLockout < 0 || security.AnonymousStreamsPerAddress < 1)
        {
            yield return $"Security:FailedSignInsFree ({security.FailedSignInsFree}) and Security:FailedSignInsBeforeLockout ({security.FailedSignInsBeforeLockout}) must be 0 or more, Security:AnonymousStreamsPerAddress ({security.AnonymousStreamsPerAddress}) 1 or more.";
        }
    }

    private static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (System.Net.IPAddress.TryParse(host.Trim('[', ']'), out var address) && System.Net.IPAddress.IsLoopback(address));

    // The tree is strictly levelled (ministry → provinces → cities), so a node's children can never
    // lead back to it: a cycle needs a child at the same level or above, which is refused here.
    private static void ValidateChildren(NodeOptions node, NodeLevel level, List<string> errors)
    {
        if (node.Children.Count == 0)
        {
            return;
        }
        if (level == NodeLevel.City)
        {
            errors.Add($"Children lists {node.Children.Count} node(s), but a city node has no children (it is a leaf of the tree).");
            return;
        }
        var table = DivisionTable.Default;
        var jurisdiction = table.JurisdictionOf(node.DivisionCode);
        var ids = new HashSet<string>(StringComparer.Ordinal) { node.Id };
        var divisions = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < node.Children.Count; i++)
        {
            var child = node.Children[i];
            var name = $"Children[{i}]";
            if (!IdPattern().IsMatch(child.Id))
            {
                errors.Add($"{name}:Id is '{child.Id}'; it must be 1–64 characters of letters, digits, '-', '_' or '.'.");
            }
            else if (!ids.Add(child.Id))
            {
                errors.Add(child.Id == node.Id
                    ? $"{name}:Id is '{child.Id}', this node's own id: a node cannot be its own child (a cycle)."
                    : $"{name}:Id '{child.Id}' is used twice; every node in the tree needs its own id.");
            }
            if (!Uri.TryCreate(child.Address, UriKind.Absolute, out var address) || (address.Scheme != "http" && address.Scheme != "https") || address.AbsolutePath != "/")
            {
                errors.Add($"{name}:Address is '{child.Address}'; it must be http://host:port or https://host:port.");
            }
            var division = table.Find(child.DivisionCode);
            if (division is null)
            {
                errors.Add($"{name}:DivisionCode is '{child.DivisionCode}', which is not in the GB/T 2260 division table.");
                continue;
            }
            var rightLevel = level switch
            {
                NodeLevel.Ministry => division.Level == DivisionLevel.Province,
                _ => division.Level == DivisionLevel.Prefecture || (division.Level == DivisionLevel.County && division.PrefectureCode is null),
            };
            if (!jurisdiction.Contains(child.DivisionCode))
            {
                errors.Add($"{name}:DivisionCode is {child.DivisionCode} ({division.Name}), outside this node's jurisdiction {node.DivisionCode}.");
            }
            else if (!rightLevel)
            {
                errors.Add($"{name}:DivisionCode is {child.DivisionCode} ({division.Name}); a {level.Name()}'s children are " +
                           (level == NodeLevel.Ministry ? "provinces (PP0000)." : "prefecture-level cities (PPCC00) or county-level units directly under the province."));
            }
            else if (divisions.TryGetValue(child.DivisionCode, out var other))
            {
                errors.Add($"{name}:DivisionCode {child.DivisionCode} is already served by child '{other}'; two children cannot share a jurisdiction.");
            }
            else
            {
                divisions[child.DivisionCode] = child.Id;
            }
        }
    }

    private static void CheckFile(List<string> errors, string setting, string? path, bool exists)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            errors.Add($"{setting} is empty; give the path of a PEM file.");
        }
        else if (exists && !File.Exists(path))
        {
            errors.Add($"{setting} is '{path}', which does not exist.");
        }
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[0-9]{6}$")]
    private static partial Regex DivisionPattern();
}
