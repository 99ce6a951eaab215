using Federation.Node.Errors;
using Federation.Node.Host;
using Federation.Protocol.V1;
using Federation.Standards;
using Federation.Store;
using Federation.Store.Registration;
using Federation.Store.Security;
using Google.Protobuf;
using NodeLevel = Federation.Node.Configuration.NodeLevel;
using Microsoft.Extensions.Options;

namespace Federation.Node.Registration;

/// <summary>
/// The registration service's rules (DOMAIN.md "Our precise reading of the registration service";
/// docs/registration.md), on the node's clock (Beijing days):
/// <list type="bullet">
/// <item>the ministry receives applications and refuses at once one for a person validly registered
/// in another city, or with an application still pending;</item>
/// <item>the city decides, contacts, registers locally and records exits; every change is written
/// to the journal with its feed entry in one transaction (the store's staged data gets the
/// registrations as of a period's date when the city seals it: <see cref="SealWith"/>);</item>
/// <item>one person, one valid registration (R-18): in the same city an online application and a
/// local registration whose validity overlaps are one registration — the earlier start stands and
/// both sources are kept;</item>
/// <item>exits only for the listed reasons (R-17).</item>
/// </list>
/// </summary>
internal sealed class RegistrationDesk(IRegistrationJournal journal, IStaging staging, IHolderLookups holders, ISealedPeriods periods, NodeIdentity identity,
    IOptions<RegistrationOptions> options, TimeProvider time, RegistrationSignals signals, ILogger<RegistrationDesk> logger, NodeMetrics? metrics = null)
{
    /// <summary>The id prefix of a registration opened by an online application ("WS" + the application's date and sequence).</summary>
    public const string OnlinePrefix = "WS";

    public static readonly IReadOnlyList<string> PlaceTypes = ["household", "residence", "workplace", "insured"];
    public static readonly IReadOnlyList<string> Categories = ["new_entrant", "employment_to_unemployment", "other"];

    private readonly Lock _writes = new();
    private readonly WorkingCalendar _calendar = options.Value.Calendar();

    public IRegistrationJournal Journal => journal;

    /// <summary>Today in Beijing: the day deadlines and dates are counted in.</summary>
    public DateOnly Today => BeijingTime.Date(time.GetUtcNow());

    /// <summary>The city a county-level unit belongs to, by the GB/T 2260 table (a city-level code stays itself).</summary>
    public static string CityOf(string division) => DivisionTable.Default.CityOf(division) ?? division;

    /// <summary>
    /// A parent records the cities a child said it serves (in the first message of the applications
    /// stream): each must be a city of the table inside the child's jurisdiction, or the link stops
    /// with why. A child that says nothing (an older version) leaves what it said before.
    /// </summary>
    public void ChildServes(ChildOptions child, Jurisdiction jurisdiction, IReadOnlyCollection<string> cities)
    {
        if (cities.Count == 0)
        {
            return;
        }
        foreach (var city in cities)
        {
            if (DivisionTable.Default.Find(city) is null || CityOf(city) != city || !jurisdiction.Contains(city))
            {
                throw new InvalidOperationException($"the child {child.Id} ({child.DivisionCode}) says it serves '{city}', which is not a city of the GB/T 2260 table inside its jurisdiction");
            }
        }
        journal.SetServed(child.Id, cities);
    }

    public (ApplicationRecord Application, bool Duplicate) Submit(SubmitApplicationRequest request)
    {
        Require(identity.Level == NodeLevel.Ministry, "applications are submitted to the ministry node (the national platform)");
        var citizen = Citizen(request.CitizenId, "citizen_id");
        var name = request.Name.Trim();
        if (name.Length is 0 or > 50)
        {
            throw RequestFields.Invalid("name is required, at most 50 characters");
        }
        Field(PlaceTypes.Contains(request.PlaceType), "place_type", $"must be one of {string.Join(", ", PlaceTypes)}");
        Field(Categories.Contains(request.Category), "category", $"must be one of {string.Join(", ", Categories)}");
        // By the table: a county, or a prefecture-level city without counties (东莞 441900).
        if (DivisionTable.Default.Find(request.PlaceDivision) is not { IsCountyLevelUnit: true })
        {
            throw RequestFields.Invalid($"place_division must be a county-level GB/T 2260 code, got '{request.PlaceDivision}'");
        }
        if (request.PlatformReference.Length > 64)
        {
            throw RequestFields.Invalid("platform_reference is at most 64 characters");
        }
        lock (_writes)
        {
            var today = Today;
            var received = EventDay(request.ReceivedOn, "received_on", today);
            var city = CityOf(request.PlaceDivision);
            // No node, no application: one no city node covers would wait for a decision forever.
            if (!Served(request.PlaceDivision, city))
            {
                throw new PreconditionFailedException(
                    $"no node serves {request.PlaceDivision} ({CityName(request.PlaceDivision)}): no city node below this one covers it, so no office could decide the application");
            }
            if (journal.FindPendingApplication(citizen) is { } pending && (request.PlatformReference.Length == 0 || pending.PlatformReference != request.PlatformReference))
            {
                throw new AlreadyExistsException($"this person already has application {pending.ApplicationId} waiting for a decision");
            }
            // One valid registration nationwide: registered in another city, refused here at once — by
            // the index, the rule a city applies at entry; then by what only the ministry holds (the
            // cities' exports in its copy of their snapshots, a registration valid on a back-dated receipt).
            var elsewhere = HeldElsewhere(citizen, city) ?? RegisteredCityElsewhere(citizen, city, today) ?? RegisteredCityElsewhere(citizen, city, received);
            var refusal = elsewhere is null ? "" : AlreadyRegistered(elsewhere);
            var result = journal.Submit(request.PlatformReference, seq => new ApplicationRecord(
                $"A{received:yyyyMMdd}{seq:D8}", citizen, name, request.PlaceType, request.PlaceDivision, request.Category, request.PlatformReference,
                received, city, _calendar.Deadline(received, options.Value.DecisionWorkingDays),
                refusal.Length == 0 ? ApplicationRecord.Pending : ApplicationRecord.Refused, refusal.Length == 0 ? null : received, refusal, "", null, null));
            if (result.Duplicate && result.Application.CitizenId != citizen)
            {
                throw new AlreadyExistsException($"platform_reference '{request.PlatformReference}' was used for another application");
            }
            if (!result.Duplicate)
            {
                RegistrationLog.ApplicationReceived(logger, result.Application.ApplicationId, city, result.Application.Status, RegistrationMessages.Day(result.Application.DecisionDue));
                signals.Applications.Signal();
            }
            return result;
        }
    }

    public ApplicationRecord Decide(string applicationId, bool accept, string refusalReason, string decidedOn = "")
    {
        RequireCity();
        // A refusal names one of the seed's grounds (RefusalReasons: its code or its words), recorded in its words.
        var reason = "";
        if (!accept)
        {
            reason = RefusalReasons.Normalize(refusalReason, out var problem) ?? throw RequestFields.Invalid(problem!);
        }
        lock (_writes)
        {
            var application = OwnApplication(applicationId);
            var today = Today;
            var day = EventDay(decidedOn, "decided_on", today);
            if (application.Status != ApplicationRecord.Pending)
            {
                // Delivery is idempotent: the same decision again is answered as recorded.
                var same = (application.Status == ApplicationRecord.Accepted) == accept && (accept || application.RefusalReason == reason)
                    && (decidedOn.Length == 0 || application.DecidedOn == day);
                Require(same, $"application {applicationId} was already {application.Status} on {application.DecidedOn:yyyy-MM-dd}; this decision " +
                    $"({(accept ? "accept" : "refuse")}{(decidedOn.Length == 0 ? "" : $" on {day:yyyy-MM-dd}")}) differs from the one recorded");
                return application;
            }
            Field(day >= application.ReceivedOn, "decided_on", $"{day:yyyy-MM-dd} is before the application's receipt ({application.ReceivedOn:yyyy-MM-dd})");
            if (!accept)
            {
                var refused = application with { Status = ApplicationRecord.Refused, DecidedOn = day, RefusalReason = reason };
                Record(refused, null);
                RegistrationLog.ApplicationDecided(logger, applicationId, refused.Status, "");
                return refused;
            }
            // An online registration starts on the day it is accepted: inside a sealed period it would change it (R-4).
            AfterSealed(day, "decided_on");
            // R-18: the person's open registration in this city (made here, or imported from the
            // local system's export) absorbs the application; otherwise the application opens one.
            var existing = OpenRegistrationHere(application.CitizenId, today);
            // R-18 at entry: registered in another city since the ministry received the application.
            if (existing is null && HeldElsewhere(application.CitizenId, OwnCity) is { } elsewhere)
            {
                throw new PreconditionFailedException(
                    $"{AlreadyRegistered(elsewhere)}: the person was registered there after applying; refuse the application with reason registered_elsewhere");
            }
            var registration = existing is null
                ? new RegistrationRecord(OnlinePrefix + application.ApplicationId[1..], application.CitizenId, application.Category, day, null, "",
                    application.PlaceDivision, "online", [application.ApplicationId], identity.Id)
                : existing with
                {
                    RegisterDate = Min(existing.RegisterDate, day),
                    Sources = AddSource(existing.Sources, "online"),
                    ApplicationIds = [.. existing.ApplicationIds, application.ApplicationId],
                };
            var accepted = application with
            {
                Status = ApplicationRecord.Accepted, DecidedOn = day, RegistrationId = registration.RegistrationId,
                ContactDue = _calendar.Deadline(day, options.Value.ContactWorkingDays),
            };
            Record(accepted, registration);
            RegistrationLog.ApplicationDecided(logger, applicationId, accepted.Status, registration.RegistrationId);
            return accepted;
        }
    }

    public ApplicationRecord Contact(string applicationId, string contactedOn = "")
    {
        RequireCity();
        lock (_writes)
        {
            var application = OwnApplication(applicationId);
            var day = EventDay(contactedOn, "contacted_on", Today);
            Require(application.Status == ApplicationRecord.Accepted, $"application {applicationId} is {application.Status}: only an accepted application's worker is contacted");
            if (application.ContactedOn is { } recorded)
            {
                // The same contact again is answered as recorded; another day is refused.
                Require(contactedOn.Length == 0 || recorded == day,
                    $"application {applicationId}'s worker was contacted on {recorded:yyyy-MM-dd}, not {day:yyyy-MM-dd}");
                return application;
            }
            Field(day >= application.DecidedOn, "contacted_on", $"{day:yyyy-MM-dd} is before the decision ({application.DecidedOn:yyyy-MM-dd})");
            var contacted = application with { ContactedOn = day };
            Record(contacted, null);
            return contacted;
        }
    }

    /// <summary>
    /// A local registration (R-18: one per person nationwide): refused when the index says the person
    /// holds a valid registration in another city ("already registered in …"); accepted
    /// <c>Provisional</c> when the index may be behind because no stream from the parent is open.
    /// </summary>
    public (RegistrationRecord Registration, bool Merged, bool Provisional) RegisterLocally(RegisterLocallyRequest request)
    {
        RequireCity();
        var id = request.RegistrationId.Trim();
        if (id.Length is 0 or > 40 || id.Any(c => c is <= ' ' or ','))
        {
            throw RequestFields.Invalid("registration_id is required: at most 40 characters, no spaces or commas");
        }
        var citizen = Citizen(request.CitizenId, "citizen_id");
        Field(Categories.Contains(request.Category), "category", $"must be one of {string.Join(", ", Categories)}");
        InJurisdiction(request.HandlingDivision, "handling_division");
        lock (_writes)
        {
            var today = Today;
            var start = EventDay(request.RegisterDate, "register_date", today);
            if (journal.FindRegistration(identity.Id, id) is { } known)
            {
                // The same registration again is answered as recorded; the same id with other content is refused.
                Require(known.CitizenId == citizen, $"registration {id} is already recorded for another person");
                if (known.RegistrationId == id)
                {
                    Require(known.Category == request.Category, $"registration {id} is already recorded with category {known.Category}, not {request.Category}");
                    Require(known.HandlingDivision == request.HandlingDivision, $"registration {id} is already recorded at {known.HandlingDivision}, not {request.HandlingDivision}");
                    Require(request.RegisterDate.Length == 0 || known.ApplicationIds.Count > 0 || known.RegisterDate == start,
                        $"registration {id} is already recorded from {known.RegisterDate:yyyy-MM-dd}, not {start:yyyy-MM-dd}");
                }
                return (known, known.RegistrationId != id, false);
            }
            AfterSealed(start, "register_date");
            // Validity runs up to, not including, the exit day: a registration dated back into an
            // ended one would make two valid on the same days.
            if (journal.RegistrationsOf(citizen).FirstOrDefault(r => r.Origin == identity.Id && r.CancelDate is { } exit && exit > start) is { } ended)
            {
                throw new PreconditionFailedException(
                    $"register_date {start:yyyy-MM-dd} falls inside registration {ended.RegistrationId} ({ended.RegisterDate:yyyy-MM-dd} to {ended.CancelDate:yyyy-MM-dd}); a person holds one registration at a time (R-18)");
            }
            var existing = OpenRegistrationHere(citizen, today);
            // R-18 at entry: the index holds other cities' valid registrations by keyed hash (kept as of
            // the last contact while the parent is away: a restart or a cut-off opens no window for them).
            if (existing is null && HeldElsewhere(citizen, OwnCity) is { } elsewhere)
            {
                throw new PreconditionFailedException(
                    $"{AlreadyRegistered(elsewhere)}: a person holds one valid registration nationwide; it must end there (an exit) before one is made here");
            }
            // Cut off from the parent, the index may miss a registration made elsewhere since: accepted
            // provisionally, and a parent flags a double registration the day the feed brings it.
            var provisional = existing is null && !signals.ParentConnected;
            var registration = existing is null
                ? new RegistrationRecord(id, citizen, request.Category, start, null, "", request.HandlingDivision, "local", [], identity.Id)
                : existing with { RegisterDate = Min(existing.RegisterDate, start), Sources = AddSource(existing.Sources, "local:" + id) };
            Record(null, registration);
            if (existing is not null)
            {
                // The office's id now finds the registration it joined (an exit under either id).
                journal.AddAlias(identity.Id, id, registration.RegistrationId);
            }
            RegistrationLog.RegistrationChanged(logger, registration.RegistrationId, existing is null ? "registered locally" : $"local registration {id} joined it");
            if (provisional)
            {
                RegistrationLog.AcceptedProvisionally(logger, registration.RegistrationId);
                metrics?.RegistrationProvisional();
            }
            return (registration, existing is not null, provisional);
        }
    }

    public RegistrationRecord Exit(RecordExitRequest request)
    {
        RequireCity();
        var id = request.RegistrationId.Trim();
        if (id.Length == 0)
        {
            throw RequestFields.Invalid("registration_id is required");
        }
        var reason = ExitReasons.NormalizeUnemployment(request.Reason, out var problem) ?? throw RequestFields.Invalid($"reason: {problem}");
        lock (_writes)
        {
            var today = Today;
            var date = EventDay(request.ExitDate, "exit_date", today);
            var registration = journal.FindRegistration(identity.Id, id) ?? StagedRegistration(id)
                ?? throw new NotFoundException($"registration {id} is not held by this city");
            if (registration.CancelDate is { } cancelled)
            {
                // The same exit again (a retry after a lost answer) is answered as recorded; another is refused with why.
                Require(registration.CancelReason == reason && (request.ExitDate.Length == 0 || cancelled == date),
                    $"registration {registration.RegistrationId} was already cancelled on {cancelled:yyyy-MM-dd} ({registration.CancelReason}); this exit ({reason}, {date:yyyy-MM-dd}) differs");
                return registration;
            }
            Field(date >= registration.RegisterDate, "exit_date", $"is before the registration's start ({registration.RegisterDate:yyyy-MM-dd})");
            AfterSealed(date, "exit_date");
            var exited = registration with { CancelDate = date, CancelReason = reason };
            Record(null, exited);
            RegistrationLog.RegistrationChanged(logger, exited.RegistrationId, "exit: " + reason);
            return exited;
        }
    }

    /// <summary>Whether the parent's applications stream (and with it the index) is open now.</summary>
    public bool ParentConnected => signals.ParentConnected;

    /// <summary>
    /// A child commits index entries its parent sent (a delivery without an application), checked
    /// as from a stranger: a 32-byte key and person keys, increasing sequence numbers, each city a
    /// city of the GB/T 2260 table — and never this city itself (the parent sends a city its own
    /// people as free). A province passes them on. Returns how many changed here.
    /// </summary>
    public int ReceiveIndexFromParent(ApplicationDelivery delivery)
    {
        if (delivery.IndexKey.Length != KeyedHash.Bytes)
        {
            throw RequestFields.Invalid($"index_key must be {KeyedHash.Bytes} bytes, got {delivery.IndexKey.Length}");
        }
        var entries = new List<ReceivedIndexEntry>(delivery.Index.Count);
        var last = 0L;
        foreach (var entry in delivery.Index)
        {
            if (entry.PersonKey.Length != KeyedHash.Bytes)
            {
                throw RequestFields.Invalid($"index entry {entry.Seq}: person_key must be {KeyedHash.Bytes} bytes, got {entry.PersonKey.Length}");
            }
            if (entry.Seq <= last)
            {
                throw RequestFields.Invalid($"index entry {entry.Seq} comes after {last}: the sequence must increase");
            }
            if (entry.CityDivision.Length > 0 && (DivisionTable.Default.Find(entry.CityDivision) is null || CityOf(entry.CityDivision) != entry.CityDivision))
            {
                throw RequestFields.Invalid($"index entry {entry.Seq}: city_division '{entry.CityDivision}' is not a city of the GB/T 2260 table");
            }
            if (identity.Level == NodeLevel.City && entry.CityDivision == OwnCity)
            {
                throw RequestFields.Invalid($"index entry {entry.Seq} names this city {OwnCity} itself; a parent sends a city's own people as free");
            }
            last = entry.Seq;
            entries.Add(new ReceivedIndexEntry(entry.Seq, entry.PersonKey.ToByteArray(), entry.CityDivision));
        }
        var changed = journal.ReceiveIndex(delivery.Epoch, delivery.IndexKey.ToByteArray(), entries);
        if (changed > 0)
        {
            signals.Applications.Signal();
        }
        return changed;
    }

    /// <summary>
    /// The index entries to send <paramref name="child"/> after <paramref name="afterSeq"/> (at most
    /// <paramref name="limit"/>) as one delivery, or null when there are none (or no key yet). A city
    /// child gets its own people as free: it needs to know only of other cities.
    /// </summary>
    public (ApplicationDelivery Delivery, long LastSeq)? IndexDelivery(ChildOptions child, long afterSeq, int limit)
    {
        var key = journal.IndexKey;
        var entries = journal.IndexAfter(afterSeq, limit);
        if (key is null || entries.Count == 0)
        {
            return null;
        }
        var delivery = new ApplicationDelivery { Epoch = journal.Epoch, IndexKey = ByteString.CopyFrom(key) };
        delivery.Index.AddRange(entries.Select(e => new IndexEntry
        {
            PersonKey = ByteString.CopyFrom(e.PersonKey), CityDivision = e.CityDivision == child.DivisionCode ? "" : e.CityDivision, Seq = e.Seq,
        }));
        return (delivery, entries[^1].Seq);
    }

    /// <summary>A child commits an application its parent delivered; a province passes it on to its own children.</summary>
    public bool ReceiveFromParent(ApplicationDelivery delivery)
    {
        var isNew = journal.ReceiveFromParent(delivery.Epoch, delivery.Seq, RegistrationMessages.FromMessage(delivery.Application));
        if (isNew)
        {
            RegistrationLog.ApplicationReceived(logger, delivery.Application.ApplicationId, delivery.Application.CityDivision,
                delivery.Application.Status, delivery.Application.DecisionDue);
            signals.Applications.Signal();
        }
        return isNew;
    }

    /// <summary>
    /// A parent applies a change from a child's feed; it joins this node's own feed for this node's
    /// parent. A child speaks only for its own jurisdiction — the change's new states and the states
    /// they replace — and an origin only through the child that first brought it: anything else
    /// stops the link (<see cref="InvalidOperationException"/>) rather than being applied.
    /// </summary>
    public bool ApplyFromChild(string childId, Change change) => ApplyFromChild(childId, [change]) == 1;

    /// <summary>As for one change, for changes a child's stream has delivered, in order, committed together; returns how many were new.</summary>
    public int ApplyFromChild(string childId, IReadOnlyList<Change> changes)
    {
        var child = identity.Children.Single(c => c.Id == childId);
        var prepared = changes.Select(change => Prepare(child, change)).ToList();
        var entries = journal.ApplyFromChild(childId, prepared);
        var now = time.GetUtcNow();
        for (var i = 0; i < changes.Count; i++)
        {
            metrics?.RegistrationChangeReceived(childId, entries[i] is not null, now - prepared[i].At);
            RegistrationLog.ChangeApplied(logger, childId, changes[i].Origin, changes[i].OriginSeq, entries[i] is null ? "already applied" : "applied");
        }
        var applied = entries.Count(e => e is not null);
        if (applied > 0)
        {
            signals.Feed.Signal();
            // The index may have changed with the registrations: children are told as applications are.
            signals.Applications.Signal();
            FlagDoubleRegistrations(prepared.Where((_, i) => entries[i] is not null).Select(c => c.Registration));
        }
        return applied;
    }

    private ChildChange Prepare(ChildOptions child, Change change)
    {
        var childId = child.Id;
        var jurisdiction = DivisionTable.Default.JurisdictionOf(child.DivisionCode);
        var application = change.Application is null ? null : RegistrationMessages.FromMessage(change.Application);
        var registration = change.Registration is null ? null : RegistrationMessages.FromMessage(change.Registration, change.Origin);
        var outside = change.Origin.Length == 0 || change.OriginEpoch.Length == 0 ? "it names no origin"
            : application is not null && (!jurisdiction.Contains(application.PlaceDivision)
                || journal.FindApplication(application.ApplicationId) is { } stored && !jurisdiction.Contains(stored.PlaceDivision)) ? $"application {application.ApplicationId} is not in its jurisdiction"
            : registration is not null && (!jurisdiction.Contains(registration.HandlingDivision)
                || journal.FindRegistration(change.Origin, registration.RegistrationId) is { } known && !jurisdiction.Contains(known.HandlingDivision)) ? $"registration {registration.RegistrationId} is not in its jurisdiction"
            : registration is not null ? ReceivedRegistrationProblem(child, jurisdiction, registration)
            : null;
        if (outside is not null)
        {
            throw new InvalidOperationException($"change {change.Origin}#{change.OriginSeq} (seq {change.Seq}) from {childId} ({child.DivisionCode}) is refused: {outside}; the link stops until the child is corrected");
        }
        var body = change.Clone();
        body.Seq = 0;
        body.FeedEpoch = "";
        var recordedAt = DateTimeOffset.Parse(change.RecordedAt, System.Globalization.CultureInfo.InvariantCulture);
        return new ChildChange(new JournalCursor(change.Seq, change.FeedEpoch), change.Origin, change.OriginEpoch, change.OriginSeq,
            recordedAt, application, registration, body.ToByteArray());
    }

    /// <summary>
    /// Seals this node's period as of <paramref name="day"/> with <paramref name="seal"/>, a city's
    /// after staging, in one transaction, every registration the service made here that began by
    /// then as it stood on that day (an exit after it not yet), with a person record for an online
    /// applicant the city did not have, and a local id merged into another registration marked not
    /// valid (one registration, R-18) — so the sealed snapshot and the feed say the same
    /// (<see cref="FeedCheck"/>). Changes dated after the day stay in the journal for the next
    /// period: a period holds what had happened by its date. No registration change is accepted
    /// between the staging and the seal (they hold the same lock), and nothing is staged for a
    /// period the store would refuse (in the future, or not after the latest sealed one).
    /// </summary>
    public Manifest SealWith(DateOnly day, Func<Manifest> seal)
    {
        lock (_writes)
        {
            var latest = periods.ListManifests();
            if (identity.Level == NodeLevel.City && day <= Today && (latest.Count == 0 || latest[^1].Period.AsOf < day))
            {
                using var transaction = staging.BeginStaging();
                foreach (var registration in journal.RegistrationsOnOrBefore(day).Where(r => r.Origin == identity.Id))
                {
                    var application = registration.ApplicationIds.Count > 0 ? journal.FindApplication(registration.ApplicationIds[0]) : null;
                    Stage(transaction, FeedCheck.AsOf(registration, day), application);
                }
                foreach (var alias in journal.Aliases(identity.Id).Keys)
                {
                    if (transaction.Find(Dataset.Unemployment, alias) is { } row && row[^1] == "1")
                    {
                        transaction.Upsert(Dataset.Unemployment, [.. row[..^1], "0"]);
                    }
                }
                transaction.Commit();
            }
            return seal();
        }
    }

    // ---- helpers ------------------------------------------------------------------------------

    // This node's city (a city node's own code).
    private string OwnCity => CityOf(identity.DivisionCode);

    // R-18 at entry, the one rule for the ministry's applications and a city's registrations: the city
    // (not <paramref name="city"/>) the index says holds the person's valid registration, or null.
    private string? HeldElsewhere(string citizenId, string city) =>
        journal.IndexedCity(citizenId) is { } held && held != city ? held : null;

    // The refusal, as officials read it (an application's refusal reason, a registration's refusal).
    private static string AlreadyRegistered(string city) => $"already registered in {CityName(city)} (R-18)";

    // A parent flags, the day the feed brings it, a person now validly registered in two cities (an
    // entry accepted provisionally while a city was cut off, or a race with the index): logged here,
    // and listed in status and the metric federation_registration_double (docs/registration.md).
    private void FlagDoubleRegistrations(IEnumerable<RegistrationRecord?> registrations)
    {
        foreach (var registration in registrations)
        {
            if (registration is not { CancelDate: null })
            {
                continue;
            }
            var open = journal.RegistrationsOf(registration.CitizenId).Where(r => r.CancelDate is null).ToList();
            if (open.Select(r => r.Origin).Distinct(StringComparer.Ordinal).Count() > 1)
            {
                RegistrationLog.DoubleRegistration(logger, string.Join(", ", open.Select(r => $"{r.Origin}/{r.RegistrationId}")),
                    string.Join(", ", open.Select(r => CityOf(r.HandlingDivision)).Distinct(StringComparer.Ordinal)));
            }
        }
    }

    // Whether a city node serves the county: a child has said it serves the county's city. Refused
    // when no child's jurisdiction holds the county, or the child that holds it has said which
    // cities it serves and this is not one; a child that has not said yet (first start, before its
    // applications stream opened) is taken at its word later — the application waits for it.
    private bool Served(string county, string city)
    {
        if (journal.ServingChild(city) is not null)
        {
            return true;
        }
        var child = identity.Children.FirstOrDefault(c => DivisionTable.Default.JurisdictionOf(c.DivisionCode).Contains(county));
        return child is not null && !journal.HasServed(child.Id);
    }

    // The day an event happened at the office, given by the caller (empty = today, Beijing): a late
    // upload keeps its real day, but never one in the future.
    private static DateOnly EventDay(string text, string field, DateOnly today)
    {
        var day = text.Length == 0 ? today : RequestFields.ParseDate(text, field);
        Field(day <= today, field, $"{day:yyyy-MM-dd} is after today ({today:yyyy-MM-dd}, Beijing)");
        return day;
    }

    // A sealed period never changes (R-4): a registration or exit dated inside one is refused.
    private void AfterSealed(DateOnly date, string field)
    {
        var sealedPeriods = periods.ListManifests();
        if (sealedPeriods.Count > 0 && date <= sealedPeriods[^1].Period.AsOf)
        {
            throw RequestFields.Invalid($"{field} {date:yyyy-MM-dd} falls in period {sealedPeriods[^1].Period}, already sealed; a sealed period never changes (R-4)");
        }
    }

    private void Record(ApplicationRecord? application, RegistrationRecord? registration)
    {
        var now = time.GetUtcNow();
        journal.Record(identity.Id, now, application, registration, seq => new Change
        {
            Origin = identity.Id,
            OriginSeq = seq,
            RecordedAt = now.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            Application = application is null ? null : RegistrationMessages.ToMessage(application),
            Registration = registration is null ? null : RegistrationMessages.ToMessage(registration),
            OriginEpoch = journal.Epoch,
        }.ToByteArray());
        signals.Feed.Signal();
    }

    // A registration from a child's feed is an unemployment record as import would take it: the same
    // validator (RecordValidator), with the child's jurisdiction and, as the latest day, tomorrow in
    // Beijing: the child dated the event by its own clock, and a clock a little ahead at midnight
    // must not stop the link.
    private string? ReceivedRegistrationProblem(ChildOptions child, Federation.Standards.Jurisdiction jurisdiction, RegistrationRecord registration)
    {
        var errors = new List<(string Field, string Reason)>();
        var validator = new Ingest.RecordValidator(jurisdiction, DivisionTable.Default, Today.AddDays(1), receivedFrom: child.Id, bound: "tomorrow (Beijing)");
        return validator.ValidateReceived(Dataset.Unemployment, UnemploymentRow(registration), new Dictionary<string, string>(StringComparer.Ordinal), errors) ? null
            : $"registration {registration.RegistrationId} fails import's rules: {string.Join("; ", errors.Select(e => $"{e.Field} {e.Reason}"))}";
    }

    /// <summary>A registration as the unemployment record a snapshot holds (values in <see cref="Dataset.Unemployment"/>'s column order).</summary>
    private static string[] UnemploymentRow(RegistrationRecord registration) =>
        [registration.RegistrationId, registration.CitizenId, registration.Category, RegistrationMessages.Day(registration.RegisterDate),
         RegistrationMessages.Day(registration.CancelDate), registration.CancelReason, registration.HandlingDivision, "1"];

    private static void Stage(IStagingTransaction transaction, RegistrationRecord registration, ApplicationRecord? application)
    {
        if (application is not null && transaction.PersonValidity(registration.CitizenId) is null && CitizenId.TryParse(registration.CitizenId, out var id, out _))
        {
            var household = application.PlaceType == "household" ? application.PlaceDivision
                : DivisionTable.Default.Find(id.AddressCode) is not null ? id.AddressCode : application.PlaceDivision;
            transaction.Upsert(Dataset.Persons, [id.Value, application.Name, id.Sex == Sex.Male ? "1" : "2", id.BirthDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                household, "", registration.HandlingDivision, "1"]);
        }
        transaction.Upsert(Dataset.Unemployment, UnemploymentRow(registration));
    }

    // The person's registration in this city that is valid on the day: one the service holds, else
    // one only the city's export has (a registration the journal holds is its state, whatever the
    // export staged before: an exit recorded since is not undone).
    private RegistrationRecord? OpenRegistrationHere(string citizenId, DateOnly today) =>
        journal.RegistrationsOf(citizenId).FirstOrDefault(r => r.Origin == identity.Id && r.CancelDate is null)
        ?? StagedOpenRegistrations(citizenId).FirstOrDefault(r => journal.FindRegistration(identity.Id, r.RegistrationId) is null && r.RegisterDate <= today);

    private IEnumerable<RegistrationRecord> StagedOpenRegistrations(string citizenId) =>
        holders.FindStagedHolder(citizenId) is { } holder && holder.Records.TryGetValue(Dataset.Unemployment, out var records)
            ? records.Select(r => FromStaged(r.Values)).Where(r => r is { CancelDate: null }).Select(r => r!).OrderBy(r => r.RegisterDate)
            : [];

    // The city (other than <paramref name="city"/>) where the person holds a registration valid
    // today: one the feed brought, or one in a child's last snapshot (the cities' exports).
    private string? RegisteredCityElsewhere(string citizenId, string city, DateOnly today)
    {
        if (journal.RegistrationsOf(citizenId).FirstOrDefault(r => r.OpenOn(today) && CityOf(r.HandlingDivision) != city) is { } known)
        {
            return CityOf(known.HandlingDivision);
        }
        foreach (var child in holders.ChildrenHolding(citizenId))
        {
            if (holders.FindCachedHolder(child, citizenId) is { } holder && holder.Records.TryGetValue(Dataset.Unemployment, out var records))
            {
                foreach (var cached in records)
                {
                    // The feed's state of the same registration wins over the older snapshot's.
                    if (FromStaged(cached.Values) is { } record && record.OpenOn(today) && CityOf(record.HandlingDivision) != city
                        && journal.FindRegistration(cached.Origin, record.RegistrationId) is null)
                    {
                        return CityOf(record.HandlingDivision);
                    }
                }
            }
        }
        return null;
    }

    private RegistrationRecord? StagedRegistration(string registrationId)
    {
        using var transaction = staging.BeginStaging();
        return transaction.Find(Dataset.Unemployment, registrationId) is { } values ? FromStaged(values) : null;
    }

    private RegistrationRecord? FromStaged(IReadOnlyList<string> values) =>
        values[7] != "1" ? null : new RegistrationRecord(values[0], values[1], values[2], RegistrationMessages.ParseDay(values[3])!.Value,
            RegistrationMessages.ParseDay(values[4]), values[5], values[6], "local", [], identity.Id);

    private ApplicationRecord OwnApplication(string applicationId)
    {
        var application = journal.FindApplication(applicationId)
            ?? throw new NotFoundException($"application {applicationId} has not reached this node");
        Require(DivisionTable.Default.JurisdictionOf(identity.DivisionCode).Contains(application.PlaceDivision),
            $"application {applicationId} belongs to city {application.CityDivision}, not this node's jurisdiction");
        return application;
    }

    private void InJurisdiction(string division, string field)
    {
        if (DivisionTable.Default.Find(division) is null || !DivisionTable.Default.JurisdictionOf(identity.DivisionCode).Contains(division))
        {
            throw RequestFields.Invalid($"{field} must be a GB/T 2260 code inside this node's jurisdiction {identity.DivisionCode}, got '{division}'");
        }
    }

    private void RequireCity() => Require(identity.Level == NodeLevel.City, "applications are decided and registrations handled at the city node");

    private static string Citizen(string text, string field) =>
        CitizenId.TryParse(text, out var id, out var error) ? id.Value : throw RequestFields.Invalid($"{field}: {error}");

    private static void Field(bool ok, string field, string why)
    {
        if (!ok)
        {
            throw RequestFields.Invalid($"{field} {why}");
        }
    }

    private static void Require(bool ok, string why)
    {
        if (!ok)
        {
            throw new PreconditionFailedException(why);
        }
    }

    private static string CityName(string code) => DivisionTable.Default.Find(code)?.Name ?? code;

    private static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;

    private static string AddSource(string sources, string source) =>
        sources.Split('+').Contains(source) ? sources : sources + "+" + source;
}
