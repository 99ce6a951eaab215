using System.CommandLine;
using Federation.Client;
using Federation.Fedctl;
using Federation.Fedctl.Commands;

var nodeOption = new Option<string>("--node", "-n")
{
    Description = "The node's address, e.g. https://127.0.0.1:7200 (default: $FEDCTL_NODE, else https://127.0.0.1:7200, the demo's ministry).",
    Recursive = true,
    DefaultValueFactory = _ => Environment.GetEnvironmentVariable("FEDCTL_NODE") is { Length: > 0 } node ? node : "https://127.0.0.1:7200",
};
var jsonOption = new Option<bool>("--json") { Description = "Machine-readable JSON on stdout.", Recursive = true };
var timeoutOption = new Option<int>("--timeout") { Description = "Seconds to wait for each answer (default 30).", Recursive = true, DefaultValueFactory = _ => 30 };
// A PEM file every command may need, by default from an environment variable.
static Option<FileInfo?> PemOption(string name, string description, string variable) => new(name)
{
    Description = $"{description} (default: ${variable}).",
    Recursive = true,
    DefaultValueFactory = _ => Environment.GetEnvironmentVariable(variable) is { Length: > 0 } path ? new FileInfo(path) : null,
};
var caOption = PemOption("--ca", "PEM of the deployment CA that issued the node's certificate", "FEDCTL_CA");
var certOption = PemOption("--cert", "PEM of your account's certificate, with --key", "FEDCTL_CERT");
var keyOption = PemOption("--key", "PEM of the private key of --cert", "FEDCTL_KEY");
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
var fromOption = new Option<string?>("--from") { Description = "First day, YYYY-MM-DD (default: R-16's statistics month, the 21st to the 20th, latest ending by the period)." };
var toOption = new Option<string?>("--to") { Description = "Last day, YYYY-MM-DD (default: see --from; with --from only, the period's as-of date)." };
var calendarMonthOption = new Option<bool>("--calendar-month") { Description = "Without --from/--to: the period's calendar month instead of R-16's statistics month." };
var employedOption = new Option<long>("--employed-total") { Description = "Employed total from the statistics bureau, for the unemployment rate (R-14)." };
var stats = new Command("stats", "Indicators R-10 … R-14 (new urban employment, re-employment, hard-to-employ, registered unemployed, rate) from a sealed period.")
{
    periodOption, divisionOption, fromOption, toOption, calendarMonthOption, employedOption,
};
stats.SetAction((parse, ct) => RunAsync(parse, (client, output) => StatsCommand.RunAsync(client, output, parse.GetValue(periodOption), parse.GetValue(fromOption),
    parse.GetValue(toOption), parse.GetValue(divisionOption), parse.GetValue(employedOption), parse.GetValue(calendarMonthOption), ct)));

var monthOption = new Option<string>("--month") { Description = "Survey month, YYYY-MM.", Required = true };
var warnPercentOption = new Option<int>("--warn-percent") { Description = "Early warning: a reduction of at least this % of the baseline (default 10)." };
var warnPeopleOption = new Option<long>("--warn-people") { Description = "… or of at least this many people (default 50)." };
var enterprises = new Command("enterprises", "Enterprise monitoring (企业用工定点监测): a survey month's head counts by city and industry, reductions, and the early-warning list, from a sealed period.")
{
    monthOption, periodOption, warnPercentOption, warnPeopleOption,
};
enterprises.SetAction((parse, ct) => RunAsync(parse, (client, output) => EnterprisesCommand.RunAsync(client, output, parse.GetValue(monthOption)!, parse.GetValue(periodOption),
    parse.GetValue(warnPercentOption), parse.GetValue(warnPeopleOption), ct)));

var quarterOption = new Option<string>("--quarter") { Description = "The quarter, e.g. 2026Q3; it must be covered by a sealed period.", Required = true };
var reportEmployedOption = new Option<long>("--employed-total") { Description = "Employed total from the statistics bureau, for the unemployment rate (R-14)." };
var langOption = new Option<string>("--lang") { Description = "The report's language: zh (default; its readers') or en (captions and notes in English).", DefaultValueFactory = _ => "zh" };
langOption.AcceptOnlyFromAmong("zh", "en");
var outOption = new Option<string?>("--out") { Description = "The HTML file (default report-<node>-<quarter>.html here)." };
var xlsxOption = new Option<string?>("--xlsx") { Description = "The spreadsheet of the report's tables (default: the HTML file's name with .xlsx)." };
var report = new Command("report", "The quarterly employment-situation and data-analysis report (seed 001 §三(二)): a self-contained HTML file with charts, and its tables as a spreadsheet, from a sealed period.")
{
    quarterOption, divisionOption, reportEmployedOption, outOption, xlsxOption, langOption,
};
report.SetAction((parse, ct) => RunAsync(parse, (client, output) => ReportCommand.RunAsync(client, output, parse.GetValue(quarterOption)!, parse.GetValue(divisionOption),
    parse.GetValue(reportEmployedOption), parse.GetValue(outOption), parse.GetValue(xlsxOption), parse.GetValue(langOption) == "en", ct)));

var pathsArgument = new Argument<string[]>("paths") { Description = "Export files (persons.csv, employment.jsonl, …) or directories holding them.", Arity = ArgumentArity.OneOrMore };
var sealOption = new Option<string?>("--seal") { Description = "After importing, seal the period as of this date (YYYY-MM-DD)." };
var encodingOption = new Option<string?>("--encoding")
{
    Description = "The CSV files' character encoding: utf-8 (default) or gb18030 (also GBK, GB 2312). Never guessed: the node refuses a file not valid in it. JSON Lines is always UTF-8.",
};
var ingest = new Command("ingest", "Upload a production export to a city node, which validates and imports it (bad rows go to a rejects report).")
{
    pathsArgument, sealOption, encodingOption,
};
ingest.SetAction((parse, ct) => RunAsync(parse, (client, output) => IngestCommand.RunAsync(client, output, parse.GetRequiredValue(pathsArgument), parse.GetValue(sealOption), parse.GetValue(encodingOption), ct)));

var childOption = new Option<string?>("--child") { Description = "The child to pull (its node id); default: every child." };
var resyncPeriodOption = new Option<string?>("--period") { Description = "The period's as-of date, YYYY-MM-DD; default: each child's latest." };
var waitOption = new Option<bool>("--wait") { Description = "Follow the resync with a progress bar per child until it finishes." };
var followOption = new Option<string?>("--follow") { Description = "Follow an operation already started (its id, as resync printed it) until it finishes." };
var resync = new Command("resync", "Ask a parent node to pull its children's sealed snapshots now.")
{
    childOption, resyncPeriodOption, waitOption, followOption,
};
resync.SetAction((parse, ct) => RunAsync(parse, (client, output) => ResyncCommand.RunAsync(client, output, parse.GetValue(childOption),
    parse.GetValue(resyncPeriodOption), parse.GetValue(waitOption), parse.GetValue(followOption), ct)));

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

var accountArgument = new Argument<string>("account") { Description = "The account id." };
var accountNameOption = new Option<string>("--name") { Description = "The holder's name.", Required = true };
var accountPostOption = new Option<string>("--post") { Description = "The post the roles are granted for (R-19).", Required = true };
var accountCertificateOption = new Option<FileInfo?>("--certificate") { Description = "The account's PEM certificate (Federation.Node pki account) to bind it to." };
var roleOption = new Option<string[]>("--role") { Description = "role[:scope], repeatable: verifier, analyst, operator, auditor, administrator; scope a GB/T 2260 code (default: the node's)." };
var reasonOption = new Option<string?>("--reason") { Description = "Why (kept with the account)." };
var scopeOption = new Option<string?>("--scope") { Description = "Only over this jurisdiction (default: every one)." };
var newPostOption = new Option<string>("--post") { Description = "The new post.", Required = true };
var requiredCertificateOption = new Option<FileInfo>("--certificate") { Description = "The account's new PEM certificate.", Required = true };
var singleRoleOption = new Option<string>("--role") { Description = "The role.", Required = true };

static string ReadCertificate(FileInfo file) => file.Exists ? File.ReadAllText(file.FullName) : throw new ArgumentException($"--certificate {file.FullName} does not exist.");

var accountsList = new Command("list", "Every account of the node, with status and roles.");
accountsList.SetAction((parse, ct) => RunAsync(parse, async (client, output) => AccountsCommand.List(output, await client.ListAccountsAsync(ct))));
var accountsShow = new Command("show", "One account.") { accountArgument };
accountsShow.SetAction((parse, ct) => RunAsync(parse, async (client, output) => AccountsCommand.Show(output, await client.GetAccountAsync(parse.GetRequiredValue(accountArgument), ct))));
var accountsCreate = new Command("create", "Create a personal account bound to its certificate, with roles for its post.")
{
    accountArgument, accountNameOption, accountPostOption, accountCertificateOption, roleOption,
};
accountsCreate.SetAction((parse, ct) => RunAsync(parse, async (client, output) => AccountsCommand.Show(output, await client.CreateAccountAsync(
    parse.GetRequiredValue(accountArgument), parse.GetRequiredValue(accountNameOption), parse.GetRequiredValue(accountPostOption),
    parse.GetValue(accountCertificateOption) is { } certificate ? ReadCertificate(certificate) : null,
    (parse.GetValue(roleOption) ?? []).Select(AccountsCommand.ParseGrant).ToList(), ct))));
var accountsGrant = new Command("grant", "Grant a role over a jurisdiction.") { accountArgument, singleRoleOption };
accountsGrant.SetAction((parse, ct) => RunAsync(parse, async (client, output) =>
{
    var (role, scope) = AccountsCommand.ParseGrant(parse.GetRequiredValue(singleRoleOption));
    return AccountsCommand.Show(output, await client.GrantRoleAsync(parse.GetRequiredValue(accountArgument), role, scope, ct));
}));
var accountsRevoke = new Command("revoke", "Take a role away; effective on the account's next call.") { accountArgument, singleRoleOption, scopeOption };
accountsRevoke.SetAction((parse, ct) => RunAsync(parse, async (client, output) => AccountsCommand.Show(output,
    await client.RevokeRoleAsync(parse.GetRequiredValue(accountArgument), parse.GetRequiredValue(singleRoleOption), parse.GetValue(scopeOption), ct))));
var accountsTransfer = new Command("transfer", "The holder changed post: every role of the old post goes at once (R-19).") { accountArgument, newPostOption };
accountsTransfer.SetAction((parse, ct) => RunAsync(parse, async (client, output) => AccountsCommand.Show(output,
    await client.TransferAccountAsync(parse.GetRequiredValue(accountArgument), parse.GetRequiredValue(newPostOption), ct))));
Command StatusVerb(string name, string status, string description)
{
    var command = new Command(name, description) { accountArgument, reasonOption };
    command.SetAction((parse, ct) => RunAsync(parse, async (client, output) => AccountsCommand.Show(output,
        await client.SetAccountStatusAsync(parse.GetRequiredValue(accountArgument), status, parse.GetValue(reasonOption), ct))));
    return command;
}
var accountsBind = new Command("bind", "Bind the account to a (re-issued) certificate.") { accountArgument, requiredCertificateOption };
accountsBind.SetAction((parse, ct) => RunAsync(parse, async (client, output) => AccountsCommand.Show(output,
    await client.BindCertificateAsync(parse.GetRequiredValue(accountArgument), ReadCertificate(parse.GetRequiredValue(requiredCertificateOption)), ct))));
var accountsToken = new Command("token", "Issue an API token for scripts (shown once; replaces any earlier token).") { accountArgument };
accountsToken.SetAction((parse, ct) => RunAsync(parse, async (client, output) =>
{
    var token = await client.IssueTokenAsync(parse.GetRequiredValue(accountArgument), ct);
    Console.WriteLine(token);
    return ExitCodes.Ok;
}));
var accountsRevokeToken = new Command("revoke-token", "Withdraw the account's API token.") { accountArgument };
accountsRevokeToken.SetAction((parse, ct) => RunAsync(parse, async (client, output) => AccountsCommand.Show(output, await client.RevokeTokenAsync(parse.GetRequiredValue(accountArgument), ct))));
var accounts = new Command("accounts", "Manage the node's personal accounts and their roles (administrators; docs/security.md).")
{
    accountsList, accountsShow, accountsCreate, accountsGrant, accountsRevoke, accountsTransfer,
    StatusVerb("lock", "locked", "Lock an account."), StatusVerb("unlock", "active", "Unlock an account (counts as use)."),
    StatusVerb("cancel", "cancelled", "Cancel an account for good."), accountsBind, accountsToken, accountsRevokeToken,
};

var afterOption = new Option<long>("--after") { Description = "Entries after this sequence number (default: from the start)." };
var limitOption = new Option<int>("--limit") { Description = "At most this many entries (default 100, at most 1000).", DefaultValueFactory = _ => 100 };
var auditAccountOption = new Option<string?>("--account") { Description = "Only calls by or on behalf of this account." };
var subjectOption = new Option<string?>("--subject") { Description = "Only calls about this citizen ID or certificate number (matched by its keyed hash)." };
var auditVerify = new Command("verify", "Have the node walk its audit chain: exit 0 when intact, 1 listing the breaks.");
auditVerify.SetAction((parse, ct) => RunAsync(parse, (client, output) => AccountsCommand.VerifyAuditAsync(client, output, ct)));
var childArgument = new Argument<string>("child") { Description = "The child node's id, e.g. city-440100." };
var ackReasonOption = new Option<string>("--reason") { Description = "What was found and done (10 … 1000 characters); kept with the break.", Required = true };
var auditAcknowledge = new Command("acknowledge", "Acknowledge a break this node's witness found in a child's audit chain, with a reason (auditors at the parent).")
{
    childArgument, ackReasonOption,
};
auditAcknowledge.SetAction((parse, ct) => RunAsync(parse, (client, output) => AccountsCommand.AcknowledgeWitnessBreakAsync(client, output,
    parse.GetRequiredValue(childArgument), parse.GetRequiredValue(ackReasonOption), ct)));
var audit = new Command("audit", "Read the node's audit log: who asked what, when, with what outcome (auditors).")
{
    afterOption, limitOption, auditAccountOption, subjectOption, auditVerify, auditAcknowledge,
};
audit.SetAction((parse, ct) => RunAsync(parse, (client, output) => AccountsCommand.AuditAsync(client, output, parse.GetValue(afterOption),
    parse.GetValue(limitOption), parse.GetValue(auditAccountOption), parse.GetValue(subjectOption), ct)));


// The registration service (docs/registration.md).
var applicationArgument = new Argument<string>("application") { Description = "The application id (A + YYYYMMDD + 8 digits)." };
var registrationArgument = new Argument<string>("registration") { Description = "The registration id." };
var statusFilterOption = new Option<string?>("--status") { Description = "pending, accepted or refused (default: all)." };
var overdueOption = new Option<bool>("--overdue") { Description = "Only applications past their decision or contact deadline." };
var cityOption = new Option<string?>("--city") { Description = "Only this city's (prefecture-level code, e.g. 440100)." };
var listLimitOption = new Option<int>("--limit") { Description = "At most this many (1 … 1000, default 100)." };
var applications = new Command("applications", "Applications seen by the node, and each city's backlog: waiting, and past the 3-day decision or 5-day contact deadline.")
{
    statusFilterOption, overdueOption, cityOption, listLimitOption,
};
applications.SetAction((parse, ct) => RunAsync(parse, (client, output) => RegistrationCommand.ApplicationsAsync(client, output, new Federation.Protocol.V1.ListApplicationsRequest
{
    Status = parse.GetValue(statusFilterOption) ?? "", OverdueOnly = parse.GetValue(overdueOption), CityDivision = parse.GetValue(cityOption) ?? "", Limit = parse.GetValue(listLimitOption),
}, ct)));
var citizenOption = new Option<string>("--citizen-id") { Description = "公民身份号码, 18 characters.", Required = true };
var nameRequiredOption = new Option<string>("--name") { Description = "The worker's name.", Required = true };
var placeTypeOption = new Option<string>("--place-type") { Description = "household, residence, workplace or insured.", Required = true };
var placeOption = new Option<string>("--place") { Description = "County-level GB/T 2260 code of that place.", Required = true };
var categoryOption = new Option<string>("--category") { Description = "new_entrant, employment_to_unemployment or other.", Required = true };
var referenceOption = new Option<string?>("--reference") { Description = "The platform's own reference: a retried submission returns the application already made." };
// The day the event happened at the office (or, for submit, the day the national platform received
// the application): a backlog entered late keeps its real days, and the deadlines run from them.
var dateOption = new Option<string?>("--date") { Description = "The day it happened, YYYY-MM-DD (default: today, Beijing time); not in the future, not before the event it follows." };
var submit = new Command("submit", "Submit an application to the ministry node (the national platform's front end; role registrar).")
{
    citizenOption, nameRequiredOption, placeTypeOption, placeOption, categoryOption, referenceOption, dateOption,
};
submit.SetAction((parse, ct) => RunAsync(parse, (client, output) => RegistrationCommand.SubmitAsync(client, output, new Federation.Protocol.V1.SubmitApplicationRequest
{
    CitizenId = parse.GetValue(citizenOption)!, Name = parse.GetValue(nameRequiredOption)!, PlaceType = parse.GetValue(placeTypeOption)!,
    PlaceDivision = parse.GetValue(placeOption)!, Category = parse.GetValue(categoryOption)!, PlatformReference = parse.GetValue(referenceOption) ?? "",
    ReceivedOn = parse.GetValue(dateOption) ?? "",
}, ct)));
var acceptOption = new Option<bool>("--accept") { Description = "Accept the application." };
var refuseOption = new Option<string?>("--refuse") { Description = "Refuse it, on a listed ground: working_age, no_capacity, not_seeking_work, employed, place, registered_elsewhere (docs/registration.md)." };
var decide = new Command("decide", "Decide an application at its city node: --accept, or --refuse REASON (role registrar).") { applicationArgument, acceptOption, refuseOption, dateOption };
decide.SetAction((parse, ct) => RunAsync(parse, (client, output) =>
{
    var refusal = parse.GetValue(refuseOption);
    if (parse.GetValue(acceptOption) == (refusal is not null))
    {
        throw new ArgumentException("give exactly one of --accept and --refuse REASON.");
    }
    return RegistrationCommand.ApplicationAsync(output, client.DecideApplicationAsync(new Federation.Protocol.V1.DecideApplicationRequest
    {
        ApplicationId = parse.GetValue(applicationArgument)!, Accept = refusal is null, RefusalReason = refusal ?? "", DecidedOn = parse.GetValue(dateOption) ?? "",
    }, ct));
}));
var contact = new Command("contact", "Record that an accepted application's worker was contacted (role registrar).") { applicationArgument, dateOption };
contact.SetAction((parse, ct) => RunAsync(parse, (client, output) => RegistrationCommand.ApplicationAsync(output, client.RecordContactAsync(new Federation.Protocol.V1.RecordContactRequest
{
    ApplicationId = parse.GetValue(applicationArgument)!, ContactedOn = parse.GetValue(dateOption) ?? "",
}, ct))));
var localCategoryOption = new Option<string>("--category") { Description = "new_entrant, employment_to_unemployment or other.", Required = true };
var handlingOption = new Option<string>("--division") { Description = "The handling office's county code (inside the city).", Required = true };
var register = new Command("register", "Record a registration made at the local office (role registrar at the city node).")
{
    registrationArgument, citizenOption, localCategoryOption, handlingOption, dateOption,
};
register.SetAction((parse, ct) => RunAsync(parse, (client, output) => RegistrationCommand.RegistrationAsync(output, client.RegisterLocallyAsync(new Federation.Protocol.V1.RegisterLocallyRequest
{
    RegistrationId = parse.GetValue(registrationArgument)!, CitizenId = parse.GetValue(citizenOption)!, Category = parse.GetValue(localCategoryOption)!,
    HandlingDivision = parse.GetValue(handlingOption)!, RegisterDate = parse.GetValue(dateOption) ?? "",
}, ct))));
var reasonRequiredOption = new Option<string>("--reason") { Description = "pension, employed, self_employed, school, military, emigration or incapacity (or a production system's word for one) — R-17.", Required = true };
var exit = new Command("exit", "Record an exit (注销) for a listed reason; it reaches the ministry the same day (role registrar at the city node).")
{
    registrationArgument, reasonRequiredOption, dateOption,
};
exit.SetAction((parse, ct) => RunAsync(parse, (client, output) => RegistrationCommand.RegistrationAsync(output,
    client.RecordExitAsync(parse.GetValue(registrationArgument)!, parse.GetValue(reasonRequiredOption)!, parse.GetValue(dateOption), ct))));
var feedCheck = new Command("check", "Check the registration feed against a sealed period: exit 0 when they agree, 1 listing what differs.") { periodOption };
feedCheck.SetAction((parse, ct) => RunAsync(parse, (client, output) => RegistrationCommand.CheckAsync(client, output, parse.GetValue(periodOption), ct)));
var registration = new Command("registration", "The unemployment registration service: applications, decisions, local registrations, exits, the feed check.")
{
    applications, submit, decide, contact, register, exit, feedCheck,
};

// Signed periods (docs/security.md, "Signed periods"): checked offline, no node called.
var bundleArgument = new Argument<FileInfo>("bundle") { Description = "A bundle written by Federation.Node periods --export on a node's machine." };
var crlOption = new Option<FileInfo?>("--crl") { Description = "The CA's revocation list (PEM or DER): signatures by revoked certificates count as bad." };
var periodsVerify = new Command("verify", "Prove offline, with the CA alone, which node signed which period digest: each signature good or bad, each node's chain of periods, each merged period's sources; exit 0 when all hold, 1 otherwise.")
{
    bundleArgument, crlOption,
};
periodsVerify.SetAction(parse =>
{
    try
    {
        return PeriodsCommand.Verify(new Output(parse.GetValue(jsonOption)), parse.GetRequiredValue(bundleArgument), parse.GetValue(caOption), parse.GetValue(crlOption));
    }
    catch (ArgumentException ex)
    {
        return Output.Fail(ex);
    }
});
var periods = new Command("periods", "Signed period manifests.") { periodsVerify };

// The verbs, in the order --help lists them.
foreach (var command in new[] { status, periods, accounts, audit, verify, check, findings, resync, stats, enterprises, report, ingest, registration })
{
    root.Subcommands.Add(command);
}
var parsed = root.Parse(args);
if (parsed.Errors.Count > 0 && parsed.Action is not System.CommandLine.Help.HelpAction)
{
    // The parser's own errors (unknown verb or option, missing argument or required option) are
    // usage errors, exit 2 as documented — not 1, which means a negative answer.
    foreach (var error in parsed.Errors)
    {
        Console.Error.WriteLine($"fedctl: {error.Message}");
    }
    var path = new List<string>();
    for (var result = parsed.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
    {
        path.Insert(0, result.Parent is null ? "fedctl" : result.Command.Name);
    }
    Console.Error.WriteLine($"Try '{string.Join(' ', path)} --help'.");
    return ExitCodes.Usage;
}
return await parsed.InvokeAsync();

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
