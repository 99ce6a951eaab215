using Federation.Node.Statistics;
using Federation.Standards;
using Federation.Store;
using Federation.Store.Sqlite;
using Federation.Testing;
using Xunit;

namespace Federation.Node.Tests.Statistics;

/// <summary>
/// R-10 … R-14 on small fixtures whose expected figures are worked out by hand in the comments.
/// Jurisdiction 440100 (广州市); 440106 is inside, 440306 (深圳) outside.
/// </summary>
public sealed class IndicatorCalculatorTests : IDisposable
{
    // When the periods were sealed: after every as-of date used here (a period cannot be sealed before its date).
    private static readonly DateTimeOffset SealedAt = new(2026, 12, 1, 8, 0, 0, TimeSpan.FromHours(8));

    private const string In = "440106";
    private const string Out = "440306";
    private const string EmployerX = "91110000600037341L";
    private static readonly string EmployerY = Credit("91440106MA5CXXXX0");
    private static readonly Jurisdiction Guangzhou = DivisionTable.Default.JurisdictionOf("440100");

    private readonly TempDirectory _directory = new();
    private readonly SqliteStore _store;
    private readonly List<(Dataset, string[])> _rows = [];
    private int _sequence;

    public IndicatorCalculatorTests() => _store = SqliteStore.Open(new StoreOptions { Path = _directory.File("node.db") });

    public void Dispose()
    {
        _store.Dispose();
        _directory.Dispose();
    }

    private static string Credit(string first17) => first17 + CreditCode.CheckCharacter(first17);

    /// <summary>A person born on <paramref name="birth"/>; returns the citizen ID.</summary>
    private string Person(string birth, bool male = true)
    {
        var sequence = ++_sequence * 2 + (male ? 1 : 0);
        var first17 = "440106" + birth.Replace("-", "", StringComparison.Ordinal) + sequence.ToString("D3", System.Globalization.CultureInfo.InvariantCulture);
        var id = first17 + CitizenId.CheckCharacter(first17);
        _rows.Add((Dataset.Persons, [id, "某", male ? "1" : "2", birth, "440106", "2", In, "1"]));
        return id;
    }

    private void Employment(string citizen, string form, string employer, string start, string end = "", string division = In, bool valid = true) =>
        _rows.Add((Dataset.Employment, [$"E{_rows.Count}", citizen, form, employer, start, end, division, valid ? "1" : "0"]));

    private void Unemployment(string citizen, string category, string registered, string cancelled = "", string division = In, bool valid = true, string reason = "employed",
        string idPrefix = "U") =>
        _rows.Add((Dataset.Unemployment, [$"{idPrefix}{_rows.Count}", citizen, category, registered, cancelled, cancelled.Length > 0 ? reason : "", division, valid ? "1" : "0"]));

    private void Assistance(string citizen, string exit, string reason, string division = In) =>
        _rows.Add((Dataset.Assistance, [$"A{_rows.Count}", citizen, "4050", "2024-01-01", exit, reason, division, "1"]));

    private IndicatorFigures Compute(string asOf, string from, string to)
    {
        using (var staging = _store.Staging.BeginStaging())
        {
            foreach (var (dataset, values) in _rows)
            {
                staging.Upsert(dataset, values);
            }
            staging.Commit();
        }
        var period = DateOnly.Parse(asOf, System.Globalization.CultureInfo.InvariantCulture);
        _store.Periods.Seal(period, SealedAt);
        return new IndicatorCalculator(_store.IndicatorQueries).Compute(period, DateOnly.Parse(from, System.Globalization.CultureInfo.InvariantCulture),
            DateOnly.Parse(to, System.Globalization.CultureInfo.InvariantCulture), Guangzhou);
    }

    [Fact]
    public void R10_R11_October_WorkingAgeRangeJurisdictionValidityDistinct()
    {
        var a = Person("1990-01-01");
        Employment(a, "unit", EmployerX, "2026-10-05");                 // counted
        Unemployment(a, "employment_to_unemployment", "2026-03-01", "2026-10-04"); // → re-employed
        var b = Person("1990-01-01");
        Employment(b, "unit", EmployerX, "2026-10-05", division: Out);  // outside the jurisdiction
        var c = Person("2010-10-10");
        Employment(c, "flexible", "", "2026-10-10");                    // 16th birthday that day: counted
        Unemployment(c, "new_entrant", "2026-10-01", "2026-10-09");     // latest before start is not 就业转失业
        var d = Person("2010-10-11");
        Employment(d, "flexible", "", "2026-10-10");                    // 15 that day: not counted
        var e = Person("1966-10-10");
        Employment(e, "unit", EmployerX, "2026-10-10");                 // a man's 60th birthday: not counted
        var f = Person("1966-10-11");
        Employment(f, "unit", EmployerX, "2026-10-10");                 // 59: counted
        var g = Person("1971-10-05", male: false);
        Employment(g, "unit", EmployerX, "2026-10-05");                 // a woman's 55th birthday: not counted
        var h = Person("1990-01-01");
        Employment(h, "unit", EmployerX, "2026-09-30");                 // before the range
        Employment(h, "unit", EmployerY, "2026-10-20", valid: false);   // invalid
        var i = Person("1990-01-01");
        Employment(i, "unit", EmployerX, "2026-10-02", "2026-10-15");   // two registrations in range: one person
        Employment(i, "flexible", "", "2026-10-16");
        Unemployment(i, "employment_to_unemployment", "2025-02-01", "2025-06-01");
        Unemployment(i, "other", "2026-05-01", "2026-10-01");           // latest before start is "other": not re-employed
        var q = Person("1990-01-01");
        Employment(q, "unit", EmployerX, "2026-10-03");
        Unemployment(q, "employment_to_unemployment", "2026-10-03");    // not *before* E.start

        var figures = Compute("2026-10-31", "2026-10-01", "2026-10-31");

        // counted: a, c, f, i, q = 5; re-employed: a = 1
        Assert.Equal(5, figures.NewUrbanEmployment);
        Assert.Equal(1, figures.ReemployedUnemployed);
    }

    [Fact]
    public void R10_CrossYearContinuation_IsDeducted()
    {
        var j = Person("1990-01-01");                                   // same unit, still open: deducted
        Employment(j, "unit", EmployerX, "2025-06-01");
        Employment(j, "unit", EmployerX, "2026-01-01");
        var k = Person("1990-01-01");                                   // ended on 31 Dec: still open that day, deducted
        Employment(k, "unit", EmployerX, "2025-06-01", "2025-12-31");
        Employment(k, "unit", EmployerX, "2026-01-02");
        var l = Person("1990-01-01");                                   // ended 30 Dec: counted
        Employment(l, "unit", EmployerX, "2025-06-01", "2025-12-30");
        Employment(l, "unit", EmployerX, "2026-01-02");
        var m = Person("1990-01-01");                                   // another employer: counted
        Employment(m, "unit", EmployerY, "2025-06-01");
        Employment(m, "unit", EmployerX, "2026-01-05");
        var n = Person("1990-01-01");                                   // flexible carried over (no employer needed): deducted
        Employment(n, "flexible", "", "2025-03-01");
        Employment(n, "flexible", "", "2026-01-10");
        var o = Person("1990-01-01");                                   // another form: counted
        Employment(o, "self", EmployerX, "2025-06-01");
        Employment(o, "unit", EmployerX, "2026-01-07");
        var s = Person("1990-01-01");                                   // self-employed, same code, carried over: deducted
        Employment(s, "self", EmployerY, "2024-02-01");
        Employment(s, "self", EmployerY, "2026-01-03");

        var figures = Compute("2026-01-31", "2026-01-01", "2026-01-31");

        // counted: l, m, o = 3
        Assert.Equal(3, figures.NewUrbanEmployment);
    }

    [Fact]
    public void R12_HardToEmploy_ExitReasonRangeAndLaterEmployment()
    {
        var r1 = Person("1975-01-01");
        Assistance(r1, "2026-10-03", "unit");
        Employment(r1, "unit", EmployerX, "2026-10-05");                // counted
        var r2 = Person("1975-01-01");
        Assistance(r2, "2026-10-03", "other");                          // exit reason not employment
        Employment(r2, "unit", EmployerX, "2026-10-05");
        var r3 = Person("1975-01-01");
        Assistance(r3, "2026-10-03", "flexible");                       // only employed before the exit
        Employment(r3, "flexible", "", "2026-09-01");
        var r4 = Person("1975-01-01");
        Assistance(r4, "2026-09-30", "self");                           // exit before the range
        Employment(r4, "self", EmployerX, "2026-10-01");
        var r5 = Person("1975-01-01");
        Assistance(r5, "2026-10-08", "self");                           // employment on the exit day counts
        Employment(r5, "self", EmployerY, "2026-10-08");
        var r6 = Person("1975-01-01");
        Assistance(r6, "2026-10-08", "unit", division: Out);            // outside
        Employment(r6, "unit", EmployerX, "2026-10-09");

        var figures = Compute("2026-10-31", "2026-10-01", "2026-10-31");

        // counted: r1, r5 = 2
        Assert.Equal(2, figures.HardToEmployEmployed);
    }

    [Fact]
    public void R13_RegisteredUnemployedAtPeriodEnd()
    {
        Unemployment(Person("1990-01-01"), "other", "2026-05-01");                         // counted
        Unemployment(Person("1990-01-01"), "other", "2026-05-01", "2026-10-31");           // cancelled on `to`: not
        Unemployment(Person("1990-01-01"), "other", "2026-05-01", "2026-11-01");           // cancelled after `to`: counted
        Unemployment(Person("1990-01-01"), "other", "2026-11-01");                         // registered after `to`: not
        Unemployment(Person("1966-10-31"), "other", "2026-05-01");                         // 60 on `to`: not
        Unemployment(Person("1971-11-01", male: false), "other", "2026-05-01");            // a woman aged 54 on `to`: counted
        Unemployment(Person("1990-01-01"), "other", "2026-05-01", valid: false);           // invalid: not
        Unemployment(Person("1990-01-01"), "other", "2026-05-01", division: Out);          // outside: not
        var twice = Person("1990-01-01");
        Unemployment(twice, "other", "2026-05-01");                                        // two registrations: one person
        Unemployment(twice, "other", "2026-06-01");

        var figures = Compute("2026-11-15", "2026-10-01", "2026-10-31");

        Assert.Equal(4, figures.RegisteredUnemployed);
    }

    [Theory]
    [InlineData(2, 998, "0.20")]
    [InlineData(1, 799, "0.13")]   // 0.125 rounds half-up
    [InlineData(3, 0, null)]       // no employed total given
    [InlineData(0, 100, "0.00")]
    public void R14_Rate_RoundsHalfUpToTwoDecimals(long unemployed, long employed, string? expected) =>
        Assert.Equal(expected, new IndicatorFigures(0, 0, 0, unemployed).UnemploymentRate(employed)?.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public void Flows_CountRegistrationsMadeAndCancelledInTheRange_InsideTheJurisdiction_ByReason()
    {
        var a = Person("1980-01-01");
        var b = Person("1985-01-01", male: false);
        var c = Person("1990-01-01");
        Unemployment(a, "other", "2026-07-01", "2026-08-15", reason: "employed");   // in and out in Q3
        Unemployment(a, "other", "2026-09-01", idPrefix: "WS");                      // in again (a second registration, opened online)
        Unemployment(b, "other", "2026-03-01", "2026-09-30", reason: "pension");     // out on the range's last day
        Unemployment(b, "other", "2026-06-30", "2026-10-01", reason: "school");      // neither: before and after
        Unemployment(c, "other", "2026-07-10", division: Out);                       // outside Guangzhou
        Unemployment(c, "other", "2026-08-01", "2026-08-02", valid: false);         // invalid

        var figures = Compute("2026-10-31", "2026-07-01", "2026-09-30");

        Assert.Equal((2L, 1L, 2L), (figures.UnemploymentInflow, figures.UnemploymentInflowOnline, figures.UnemploymentOutflow));
        Assert.Equal([("employed", 1L), ("pension", 1L)], figures.ExitReasons);
    }
}
