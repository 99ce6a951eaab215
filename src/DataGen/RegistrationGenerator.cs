using System.Globalization;
using Federation.Standards;

namespace Federation.DataGen;

/// <summary>What registration-service traffic to generate for one city (docs/registration.md).</summary>
public sealed class RegistrationTrafficOptions
{
    /// <summary>The city (prefecture, PPCC00) whose counties the people apply and register in.</summary>
    public string CityCode { get; set; } = "440100";

    /// <summary>Applications submitted to the national platform for this city.</summary>
    public int Applications { get; set; } = 20;

    /// <summary>Registrations made at the local offices.</summary>
    public int LocalRegistrations { get; set; } = 20;

    /// <summary>Of the local registrations, how many end in an exit (注销) the same day, for a listed reason.</summary>
    public int Exits { get; set; } = 10;

    /// <summary>Exits attempted for a reason R-17 forbids (refused services 3 times, unreachable 6 months): each must be refused.</summary>
    public int ForbiddenExits { get; set; } = 2;

    /// <summary>Of the applications, how many are for people also registered locally the same day (R-18: one registration).</summary>
    public int AlsoLocal { get; set; } = 2;

    /// <summary>
    /// People whose events an office enters late, each with the day it happened there (a backlog):
    /// the even ones apply online (received, decided and contacted on successive days), the odd ones
    /// register at the office and leave for a job. Needs <see cref="Today"/>.
    /// </summary>
    public int Backlog { get; set; }

    /// <summary>How many days before <see cref="Today"/> a backlog's first event happened (1 … 30, default 3).</summary>
    public int BacklogDays { get; set; } = 3;

    /// <summary>
    /// The day the traffic is entered (Beijing): backlog days fall before it, never after. Choose it
    /// after the city's last sealed period plus <see cref="BacklogDays"/>: a sealed period never changes.
    /// </summary>
    public DateOnly? Today { get; set; }

    /// <summary>Of the exits (the day's, then the backlog's), how many are delivered a second time, identical (a client retrying after a lost answer).</summary>
    public int Retries { get; set; }

    /// <summary>
    /// People registered locally in <see cref="SecondCityCode"/> who then register locally in this
    /// city too, while the first registration is valid: one registration nationwide.
    /// </summary>
    public int CrossCity { get; set; }

    /// <summary>The other city of <see cref="CrossCity"/> (a city with county-level units in GB/T 2260).</summary>
    public string? SecondCityCode { get; set; }

    public int Seed { get; set; } = 1;

    /// <summary>Offset of the citizen ID sequence numbers and registration ids, so that several cities' traffic does not collide.</summary>
    public int IdOffset { get; set; }
}

/// <summary>
/// One step of a day's registration traffic, in the order it happens. <c>Kind</c>: <c>application</c>
/// (to the ministry: citizen, name, place type and county, category, the platform's reference),
/// <c>decision</c> (the city accepts the citizen's application), <c>contact</c> (the city contacted
/// the worker of that application), <c>local</c> (a registration at the office of the county's city:
/// its id, citizen, county, category), <c>exit</c> (of a registration id, for a reason in a
/// production system's words), <c>exit_retry</c> (the exit before delivered again, identical: answered
/// as recorded, nothing changes), <c>forbidden_exit</c> (a reason R-17 forbids: must be refused),
/// <c>cross_city_local</c> (a local registration of a person the <c>local</c> row before registered in
/// another city: R-18 allows one). <c>Day</c> is the day it happened at the office (received,
/// decided, contacted, registered, exited), YYYY-MM-DD; empty = the day it is entered.
/// </summary>
public sealed record RegistrationEvent(string Kind, string CitizenId, string Name, string PlaceType, string Division, string Category,
    string RegistrationId, string Reason, string Reference, string Day = "");

/// <summary>
/// Generates a day of a city's registration-service traffic: applications to the national platform
/// (a place type and county each), registrations at the local offices, exits for listed reasons in
/// the words production systems use (退休, 被用人单位录用 …), a few exits for reasons R-17 forbids, and
/// some people who apply online and register locally the same day; on request a backlog entered
/// late with its real days, exits delivered twice, and people registering locally in a second city.
/// Any city with county-level units, 东莞 (441900) and the other cities without counties included
/// (their own county-level unit). Valid citizen IDs; the same options give the same traffic.
/// <see cref="Write"/> writes it as <c>registration-events.csv</c>.
/// </summary>
public static class RegistrationGenerator
{
    private static readonly string[] Surnames = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗", "高"];
    private static readonly string[] Given = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀", "霞", "平"];
    private static readonly string[] PlaceTypes = ["household", "residence", "workplace", "insured"];
    private static readonly string[] Categories = ["new_entrant", "employment_to_unemployment", "other"];
    private static readonly string[] ExitWords = ["被用人单位录用", "employed", "自主创业", "self_employed", "退休", "pension", "入学", "参军", "移居境外", "完全丧失劳动能力"];
    private static readonly string[] Forbidden = ["连续3次拒绝接受公共就业服务", "连续6个月无法取得联系"];

    public static IReadOnlyList<RegistrationEvent> Generate(RegistrationTrafficOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(options.Applications);
        ArgumentOutOfRangeException.ThrowIfNegative(options.LocalRegistrations);
        if (options.Exits > options.LocalRegistrations || options.ForbiddenExits > options.LocalRegistrations || options.AlsoLocal > options.Applications)
        {
            throw new ArgumentException("Exits and ForbiddenExits are of the local registrations, AlsoLocal of the applications: none may exceed them.", nameof(options));
        }
        ArgumentOutOfRangeException.ThrowIfNegative(options.Backlog);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Retries);
        ArgumentOutOfRangeException.ThrowIfNegative(options.CrossCity);
        if (options.Retries > options.Exits + options.Backlog / 2)
        {
            throw new ArgumentException("Retries are of the exits (the day's and the backlog's): they may not exceed them.", nameof(options));
        }
        if (options.Backlog > 0 && (options.Today is null || options.BacklogDays is < 1 or > 30))
        {
            throw new ArgumentException("A backlog needs Today, the day it is entered, and BacklogDays 1 … 30.", nameof(options));
        }
        var counties = CountiesOf(options.CityCode, nameof(options.CityCode));
        string[] secondCounties = options.CrossCity == 0 ? [] : CountiesOf(options.SecondCityCode, nameof(options.SecondCityCode));
        if (options.CrossCity > 0 && options.SecondCityCode == options.CityCode)
        {
            throw new ArgumentException("SecondCityCode must be another city than CityCode.", nameof(options));
        }
        var random = new Random(options.Seed);
        var used = new HashSet<string>(StringComparer.Ordinal);
        var sequence = options.IdOffset;
        (string Id, string Name) Person()
        {
            while (true)
            {
                var birth = new DateOnly(1966, 1, 1).AddDays(random.Next(365 * 38));
                var first17 = counties[random.Next(counties.Length)] + birth.ToString("yyyyMMdd", CultureInfo.InvariantCulture)
                    + (sequence++ % 1000).ToString("D3", CultureInfo.InvariantCulture);
                var id = first17 + CitizenId.CheckCharacter(first17);
                if (used.Add(id))
                {
                    return (id, Surnames[random.Next(Surnames.Length)] + Given[random.Next(Given.Length)] + (random.Next(2) == 0 ? "" : Given[random.Next(Given.Length)]));
                }
            }
        }

        var events = new List<RegistrationEvent>();
        var applicants = new List<RegistrationEvent>();
        for (var i = 0; i < options.Applications; i++)
        {
            var (id, name) = Person();
            var application = new RegistrationEvent("application", id, name, PlaceTypes[random.Next(PlaceTypes.Length)], counties[random.Next(counties.Length)],
                Categories[random.Next(Categories.Length)], "", "", $"NP-{options.CityCode}-{options.IdOffset + i:D8}");
            applicants.Add(application);
            events.Add(application);
        }
        var locals = new List<RegistrationEvent>();
        for (var i = 0; i < options.LocalRegistrations; i++)
        {
            var (id, name) = Person();
            var local = new RegistrationEvent("local", id, name, "", counties[random.Next(counties.Length)], Categories[random.Next(Categories.Length)],
                $"L{options.CityCode}-{options.IdOffset + i:D8}", "", "");
            locals.Add(local);
            events.Add(local);
        }
        // People who applied online and went to the office too: the same registration.
        for (var i = 0; i < options.AlsoLocal; i++)
        {
            var applicant = applicants[i];
            events.Add(new RegistrationEvent("local", applicant.CitizenId, applicant.Name, "", applicant.Division, applicant.Category,
                $"L{options.CityCode}-{options.IdOffset + options.LocalRegistrations + i:D8}", "", ""));
        }
        for (var i = 0; i < options.ForbiddenExits; i++)
        {
            var local = locals[random.Next(locals.Count)];
            events.Add(local with { Kind = "forbidden_exit", Reason = Forbidden[i % Forbidden.Length] });
        }
        var exits = new List<RegistrationEvent>();
        foreach (var local in locals.Take(options.Exits))
        {
            var exit = local with { Kind = "exit", Reason = ExitWords[random.Next(ExitWords.Length)] };
            exits.Add(exit);
            events.Add(exit);
        }
        // Drawn after the day's traffic, so that the options above give the same traffic as before.
        for (var i = 0; i < options.Backlog; i++)
        {
            // Successive days from BacklogDays ago, never after today.
            string Day(int step) => options.Today!.Value.AddDays(-Math.Max(0, options.BacklogDays - step)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var (id, name) = Person();
            var county = counties[random.Next(counties.Length)];
            var category = Categories[random.Next(Categories.Length)];
            if (i % 2 == 0)
            {
                var application = new RegistrationEvent("application", id, name, PlaceTypes[random.Next(PlaceTypes.Length)], county, category, "", "",
                    $"NP-{options.CityCode}-B{options.IdOffset + i:D7}", Day(0));
                events.Add(application);
                events.Add(application with { Kind = "decision", Day = Day(1) });
                events.Add(application with { Kind = "contact", Day = Day(2) });
            }
            else
            {
                var local = new RegistrationEvent("local", id, name, "", county, category, $"L{options.CityCode}-B{options.IdOffset + i:D7}", "", "", Day(0));
                events.Add(local);
                var exit = local with { Kind = "exit", Reason = "被用人单位录用", Day = Day(2) };
                exits.Add(exit);
                events.Add(exit);
            }
        }
        foreach (var exit in exits.Take(options.Retries))
        {
            events.Add(exit with { Kind = "exit_retry" });
        }
        for (var i = 0; i < options.CrossCity; i++)
        {
            var (id, name) = Person();
            var category = Categories[random.Next(Categories.Length)];
            events.Add(new RegistrationEvent("local", id, name, "", secondCounties[random.Next(secondCounties.Length)], category,
                $"L{options.SecondCityCode}-X{options.IdOffset + i:D7}", "", ""));
            events.Add(new RegistrationEvent("cross_city_local", id, name, "", counties[random.Next(counties.Length)], category,
                $"L{options.CityCode}-X{options.IdOffset + i:D7}", "", ""));
        }
        return events;
    }

    private static string[] CountiesOf(string? cityCode, string option)
    {
        var counties = DivisionTable.Default.CountyLevelUnitsOf(cityCode ?? "").ToArray();
        return counties.Length > 0 ? counties
            : throw new ArgumentException($"{option} '{cityCode}' is not a city with county-level units in GB/T 2260.", option);
    }

    /// <summary>Writes the traffic as <c>registration-events.csv</c> in <paramref name="directory"/>; returns the rows written.</summary>
    public static long Write(IReadOnlyList<RegistrationEvent> events, string directory)
    {
        Directory.CreateDirectory(directory);
        using var file = new CsvFile(directory, "registration-events.csv",
            ["kind", "citizen_id", "name", "place_type", "division", "category", "registration_id", "reason", "platform_reference", "day"]);
        foreach (var e in events)
        {
            file.Write(e.Kind, e.CitizenId, e.Name, e.PlaceType, e.Division, e.Category, e.RegistrationId, e.Reason, e.Reference, e.Day);
        }
        return file.Rows;
    }
}
