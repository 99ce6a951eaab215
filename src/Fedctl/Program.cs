using System.CommandLine;
using Federation.Client;
using Federation.Fedctl;
using Federation.Fedctl.Commands;

var nodeOption = new Option<string>("--node", "-n")
{
    Description = "The node's address, e.g. http://127.0.0.1:7101 (default: $FEDCTL_NODE, else http://127.0.0.1:7000).",
    Recursive = true,
    DefaultValueFactory = _ => Environment.GetEnvironmentVariable("FEDCTL_NODE") is { Length: > 0 } node ? node : "http://127.0.0.1:7000",
};
var jsonOption = new Option<bool>("--json") { Description = "Machine-readable JSON on stdout.", Recursive = true };
var timeoutOption = new Option<int>("--timeout") { Description = "Seconds to wait for each answer (default 30).", Recursive = true, DefaultValueFactory = _ => 30 };
var caOption = new Option<FileInfo?>("--ca") { Description = "PEM of the CA that issued the node's certificate (https:// nodes on a private PKI).", Recursive = true };
var certOption = new Option<FileInfo?>("--cert") { Description = "PEM of this client's certificate, for nodes that require one (with --key).", Recursive = true };
var keyOption = new Option<FileInfo?>("--key") { Description = "PEM of the private key of --cert.", Recursive = true };
var tokenOption = new Option<string?>("--token")
{
    Description = "Bearer token sent with every call (default: $FEDCTL_TOKEN).",
    Recursive = true,
    DefaultValueFactory = _ => Environment.GetEnvironmentVariable("FEDCTL_TOKEN"),
};

var root = new RootCommand("fedctl — talk to a Federation node.\nExit codes: 0 ok, 1 negative answer or refused, 2 usage, 3 node unavailable, 4 permission.")
{
    nodeOption, jsonOption, timeoutOption, caOption, certOption, keyOption, tokenOption,
};

var status = new Command("status", "Show the node's identity, level, jurisdiction, health, version and uptime.");
status.SetAction((parse, ct) => RunAsync(parse, (client, output) => StatusCommand.RunAsync(client, output, ct)));

var periodOption = new Option<string?>("--period") { Description = "As-of date of a sealed period, YYYY-MM-DD (default: the latest)." };
var divisionOption = new Option<string?>("--division") { Description = "GB/T 2260 code within the node's jurisdiction (default: the node's)." };
var fromOption = new Option<string?>("--from") { Description = "First day, YYYY-MM-DD (default: the first of the period's month)." };
var toOption = new Option<string?>("--to") { Description = "Last day, YYYY-MM-DD (default: the period's as-of date)." };
var employedOption = new Option<long>("--employed-total") { Description = "Employed total from the statistics bureau, for the unemployment rate (R-14)." };
var stats = new Command("stats", "Indicators R-10 … R-14 (new urban employment, re-employment, hard-to-employ, registered unemployed, rate) from a sealed period.")
{
    periodOption, divisionOption, fromOption, toOption, employedOption,
};
stats.SetAction((parse, ct) => RunAsync(parse, (client, output) => StatsCommand.RunAsync(client, output, parse.GetValue(periodOption), parse.GetValue(fromOption),
    parse.GetValue(toOption), parse.GetValue(divisionOption), parse.GetValue(employedOption), ct)));

var pathsArgument = new Argument<string[]>("paths") { Description = "Export files (persons.csv, employment.jsonl, …) or directories holding them.", Arity = ArgumentArity.OneOrMore };
var sealOption = new Option<string?>("--seal") { Description = "After importing, seal the period as of this date (YYYY-MM-DD)." };
var ingest = new Command("ingest", "Upload a production export to a city node, which validates and imports it (bad rows go to a rejects report).")
{
    pathsArgument, sealOption,
};
ingest.SetAction((parse, ct) => RunAsync(parse, (client, output) => IngestCommand.RunAsync(client, output, parse.GetRequiredValue(pathsArgument), parse.GetValue(sealOption), ct)));

var childOption = new Option<string?>("--child") { Description = "The child to pull (its node id); default: every child." };
var resyncPeriodOption = new Option<string?>("--period") { Description = "The period's as-of date, YYYY-MM-DD; default: each child's latest." };
var waitOption = new Option<bool>("--wait") { Description = "Follow the resync with a progress bar per child until it finishes." };
var resync = new Command("resync", "Ask a parent node to pull its children's sealed snapshots now.")
{
    childOption, resyncPeriodOption, waitOption,
};
resync.SetAction((parse, ct) => RunAsync(parse, (client, output) => ResyncCommand.RunAsync(client, output, parse.GetValue(childOption),
    parse.GetValue(resyncPeriodOption), parse.GetValue(waitOption), ct)));

var certificateArgument = new Argument<string>("number") { Description = "The certificate number (就业失业登记证号), 16 digits." };
var verifyCertificate = new Command("cert", "The holder of a certificate and their current status, with where the answer came from.") { certificateArgument };
verifyCertificate.SetAction((parse, ct) => RunAsync(parse, (client, output) => VerifyCommand.CertificateAsync(client, output, parse.GetRequiredValue(certificateArgument), ct)));
var citizenArgument = new Argument<string>("citizen-id") { Description = "The citizen ID (公民身份号码), 18 characters." };
var verifyPerson = new Command("person", "A worker's current status from every place that holds their records.") { citizenArgument };
verifyPerson.SetAction((parse, ct) => RunAsync(parse, (client, output) => VerifyCommand.PersonAsync(client, output, parse.GetRequiredValue(citizenArgument), ct)));
var verify = new Command("verify", "Verify a certificate or a worker (agencies): status, certificates, registrations, policies, benefits; exit 1 when not found or not in force.")
{
    verifyCertificate, verifyPerson,
};

var checkArgument = new Argument<string>("number") { Description = "The certificate number." };
var nameOption = new Option<string>("--name") { Description = "The holder's name as printed on the certificate.", Required = true };
var check = new Command("check", "The public authenticity check (真伪查验): GENUINE (exit 0) or NOT GENUINE (exit 1), nothing else.") { checkArgument, nameOption };
check.SetAction((parse, ct) => RunAsync(parse, (client, output) => VerifyCommand.PublicCheckAsync(client, output, parse.GetRequiredValue(checkArgument), parse.GetRequiredValue(nameOption), ct)));

var findingsPeriodOption = new Option<string?>("--period") { Description = "As-of date of a sealed period, YYYY-MM-DD (default: the latest)." };
var kindOption = new Option<string?>("--kind") { Description = "Only this kind: certificate_issued_twice, duplicate_unemployment_registration, duplicate_employment_registration, conflicting_state." };
var findings = new Command("findings", "Cross-region comparison (比对) findings of a parent's sealed period.") { findingsPeriodOption, kindOption };
findings.SetAction((parse, ct) => RunAsync(parse, (client, output) => FindingsCommand.RunAsync(client, output, parse.GetValue(findingsPeriodOption), parse.GetValue(kindOption), ct)));

root.Subcommands.Add(status);
root.Subcommands.Add(verify);
root.Subcommands.Add(check);
root.Subcommands.Add(findings);
root.Subcommands.Add(resync);
root.Subcommands.Add(stats);
root.Subcommands.Add(ingest);
return await root.Parse(args).InvokeAsync();

static T LoadPem<T>(FileInfo file, string option, Func<T> load)
{
    if (!file.Exists)
    {
        throw new ArgumentException($"{option} {file.FullName} does not exist.");
    }
    try
    {
        return load();
    }
    catch (System.Security.Cryptography.CryptographicException ex)
    {
        throw new ArgumentException($"{option} {file.FullName} is not a usable PEM file: {ex.Message}");
    }
}

async Task<int> RunAsync(ParseResult parse, Func<FederationClient, Output, Task<int>> command)
{
    var output = new Output(parse.GetValue(jsonOption));
    try
    {
        var cert = parse.GetValue(certOption);
        var key = parse.GetValue(keyOption);
        if ((cert is null) != (key is null))
        {
            throw new ArgumentException("--cert and --key go together: the client certificate and its private key.");
        }
        var ca = parse.GetValue(caOption);
        using var client = new FederationClient(new FederationClientOptions
        {
            Address = parse.GetRequiredValue(nodeOption),
            DefaultDeadline = TimeSpan.FromSeconds(Math.Max(1, parse.GetValue(timeoutOption))),
            BearerToken = parse.GetValue(tokenOption),
            ServerCertificateAuthority = ca is null ? null : LoadPem(ca, "--ca", () => System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(File.ReadAllText(ca.FullName))),
            ClientCertificate = cert is null ? null : LoadPem(cert, "--cert", () => FederationClient.LoadClientCertificate(cert.FullName, key!.FullName)),
        });
        return await command(client, output);
    }
    catch (Exception ex) when (ex is FederationException or ArgumentException or OperationCanceledException)
    {
        return Output.Fail(ex);
    }
}
