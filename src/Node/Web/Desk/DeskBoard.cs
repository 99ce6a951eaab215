using Federation.Node.Registration;
using Federation.Node.Web.Operator;
using Federation.Protocol.V1;
using Federation.Standards;

namespace Federation.Node.Web.Desk;

/// <summary>Where an application stands against its working-day deadline (docs/registration.md).</summary>
internal enum DeadlineState
{
    /// <summary>Due on a later day.</summary>
    Later,

    /// <summary>Due today (Beijing): the last working day.</summary>
    DueToday,

    /// <summary>Past its deadline.</summary>
    Overdue,
}

/// <summary>One application in the desk's queue, as the registrar sees it (the citizen ID masked on the list).</summary>
internal sealed record DeskApplication(Application Message, string MaskedCitizenId, string PlaceName, DateOnly Due, DeadlineState Deadline)
{
    public string Id => Message.ApplicationId;
}

/// <summary>The desk's queue: applications to decide, accepted workers to contact, and the city's backlog counts.</summary>
internal sealed record DeskQueue(DateOnly Today, string Division, string DivisionName, IReadOnlyList<DeskApplication> ToDecide,
    IReadOnlyList<DeskApplication> ToContact, CityBacklog Backlog);

/// <summary>
/// The local office's registration desk (a city node; role registrar): the queue and the four
/// actions, each the registration RPC itself (<see cref="RegistrationService"/>'s method, made in
/// process through <see cref="IServiceCaller"/>: on a page, authorised and audited as for a gRPC
/// caller) — so the desk decides, contacts, registers and records exits by
/// exactly the rules a production system's upload meets. The lists the forms offer (the seven exit
/// reasons in Chinese, categories, counties; the refusal grounds are the service's own list) are here; the rules are not.
/// </summary>
internal sealed class DeskBoard(IServiceCaller caller, NodeIdentity identity, RegistrationDesk desk)
{
    public const string ListMethod = "/federation.v1.Registration/ListApplications";
    public const string DecideMethod = "/federation.v1.Registration/DecideApplication";
    public const string ContactMethod = "/federation.v1.Registration/RecordContact";
    public const string RegisterMethod = "/federation.v1.Registration/RegisterLocally";
    public const string ExitMethod = "/federation.v1.Registration/RecordExit";

    /// <summary>
    /// The grounds an office refuses an application on, as the desk offers them: the registration
    /// service's own list (<see cref="Standards.RefusalReasons"/>, which <c>DecideApplication</c> checks
    /// whoever calls it). The code is the form's value; the Chinese words are what the decision records.
    /// </summary>
    public static IReadOnlyList<(string Code, string Text)> RefusalReasons => Standards.RefusalReasons.Unemployment;

    /// <summary>The seven reasons a registration ends, and only those: the forbidden ones are not offered.</summary>
    public static IReadOnlyList<(string Code, string Name)> ExitChoices { get; } =
        [.. ExitReasons.Unemployment.Select(code => (code, ExitReasons.UnemploymentName(code)))];

    public static readonly IReadOnlyList<(string Code, string Name)> Categories =
    [
        ("new_entrant", "新成长失业青年"),
        ("employment_to_unemployment", "就业转失业人员"),
        ("other", "其他失业人员"),
    ];

    public static string PlaceTypeName(string placeType) => placeType switch
    {
        "household" => "户籍地",
        "residence" => "常住地",
        "workplace" => "就业地",
        "insured" => "参保地",
        _ => placeType,
    };

    public static string CategoryName(string category) => Categories.FirstOrDefault(c => c.Code == category).Name ?? category;

    /// <summary>The county-level units of this node's jurisdiction (where a walk-in registration is handled), by code.</summary>
    public IReadOnlyList<(string Code, string Name)> Counties() =>
        [.. DivisionTable.Default.CountyLevelUnitsOf(identity.DivisionCode).Select(code => (code, DivisionTable.Default.Find(code)?.Name ?? code))];

    /// <summary>The queue: pending applications (overdue first, then by deadline) and accepted ones whose worker is not contacted yet.</summary>
    public async Task<DeskQueue> QueueAsync()
    {
        var today = desk.Today;
        var pending = await ListAsync(ApplicationRecordStatus.Pending);
        var accepted = await ListAsync(ApplicationRecordStatus.Accepted);
        var toDecide = pending.Applications.Select(a => Item(a, a.DecisionDue, a.DecisionOverdue, today));
        var toContact = accepted.Applications.Where(a => a.ContactedOn.Length == 0).Select(a => Item(a, a.ContactDue, a.ContactOverdue, today));
        var backlog = pending.Cities.FirstOrDefault(c => c.CityDivision == identity.DivisionCode)
            ?? new CityBacklog { CityDivision = identity.DivisionCode };
        return new DeskQueue(today, identity.DivisionCode, identity.DivisionName, Order(toDecide), Order(toContact), backlog);
    }

    /// <summary>
    /// Accepts, or refuses with a reason from <see cref="RefusalReasons"/> (its code): the service
    /// records its words, and refuses any other reason with why (InvalidArgument).
    /// </summary>
    public async Task<Application> DecideAsync(string applicationId, bool accept, string refusalCode)
    {
        var request = new DecideApplicationRequest { ApplicationId = applicationId.Trim(), Accept = accept, RefusalReason = accept ? "" : refusalCode };
        return (await caller.CallAsync<RegistrationService, DecideApplicationRequest, ApplicationResponse>(DecideMethod, request, (s, r, c) => s.DecideApplication(r, c))).Application;
    }

    public async Task<Application> ContactAsync(string applicationId)
    {
        var request = new RecordContactRequest { ApplicationId = applicationId.Trim() };
        return (await caller.CallAsync<RegistrationService, RecordContactRequest, ApplicationResponse>(ContactMethod, request, (s, r, c) => s.RecordContact(r, c))).Application;
    }

    public Task<RegistrationResponse> RegisterAsync(RegisterLocallyRequest request) =>
        caller.CallAsync<RegistrationService, RegisterLocallyRequest, RegistrationResponse>(RegisterMethod, request, (s, r, c) => s.RegisterLocally(r, c));

    public async Task<RegistrationState> ExitAsync(RecordExitRequest request) =>
        (await caller.CallAsync<RegistrationService, RecordExitRequest, RegistrationResponse>(ExitMethod, request, (s, r, c) => s.RecordExit(r, c))).Registration;

    private Task<ListApplicationsResponse> ListAsync(string status) =>
        caller.CallAsync<RegistrationService, ListApplicationsRequest, ListApplicationsResponse>(ListMethod, new ListApplicationsRequest { Status = status, Limit = 1000 },
            (s, r, c) => s.ListApplications(r, c));

    private static DeskApplication Item(Application a, string dueText, bool overdue, DateOnly today)
    {
        var due = RegistrationMessages.ParseDay(dueText) ?? today;
        var state = overdue ? DeadlineState.Overdue : due == today ? DeadlineState.DueToday : DeadlineState.Later;
        return new DeskApplication(a, CitizenId.Mask(a.CitizenId), DivisionTable.Default.Find(a.PlaceDivision)?.Name ?? a.PlaceDivision, due, state);
    }

    private static List<DeskApplication> Order(IEnumerable<DeskApplication> items) =>
        [.. items.OrderByDescending(i => i.Deadline == DeadlineState.Overdue).ThenBy(i => i.Due).ThenBy(i => i.Id, StringComparer.Ordinal)];

    // The journal's status words (ApplicationRecord's constants), named for the list requests.
    private static class ApplicationRecordStatus
    {
        public const string Pending = Store.Registration.ApplicationRecord.Pending;
        public const string Accepted = Store.Registration.ApplicationRecord.Accepted;
    }
}
