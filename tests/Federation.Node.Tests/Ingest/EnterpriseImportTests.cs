using System.Text;
using Federation.Node.Ingest;
using Federation.Standards;
using Federation.Store;
using Federation.Store.Sqlite;
using Federation.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace Federation.Node.Tests.Ingest;

/// <summary>
/// Enterprise monitoring's records through the interface program: sample entries and monthly
/// reports checked as DOMAIN.md's reading says, each refusal naming its file, line, field and why.
/// </summary>
public sealed class EnterpriseImportTests : IDisposable
{
    private static readonly DateOnly Today = new(2026, 11, 20);
    private const string EnterprisesHeader = "credit_code,name,division,industry,size_class,ownership,joined_month,baseline_count,left_month,leave_reason,handling_division,valid";
    private const string ReportsHeader = "report_id,credit_code,survey_month,baseline_month,baseline_count,current_count,change,change_pct,reduction_type,reason_1,reason_2,reason_3,contracted,hired,separated,handling_division,valid";

    private readonly TempDirectory _directory = new();
    private readonly SqliteStore _store;

    public EnterpriseImportTests() => _store = SqliteStore.Open(new StoreOptions { Path = _directory.File("node.db") });

    public void Dispose()
    {
        _store.Dispose();
        _directory.Dispose();
    }

    /// <summary>A valid GB 32100 code registered in 天河区 (440106), told apart by <paramref name="serial"/>.</summary>
    internal static string Code(int serial)
    {
        var first17 = $"91440106MA{serial:D7}";
        return first17 + CreditCode.CheckCharacter(first17);
    }

    private string Write(string name, params string[] lines)
    {
        var path = _directory.File(name);
        File.WriteAllLines(path, lines, new UTF8Encoding(false));
        return path;
    }

    private ImportResult Import(params string[] paths) => ImportOn(Today, paths);

    private ImportResult ImportOn(DateOnly today, params string[] paths)
    {
        var validator = new RecordValidator(DivisionTable.Default.JurisdictionOf("440100"), DivisionTable.Default, today);
        return new Importer(_store.Staging, validator, NullLogger.Instance, null).ImportAsync(Importer.Plan(paths), _directory.File("rejects.csv"), null, CancellationToken.None).GetAwaiter().GetResult();
    }

    // (line, field, reason) of each reject, in file order.
    private List<(int Line, string Field, string Reason)> Rejects(string file) =>
        [.. File.ReadAllLines(_directory.File("rejects.csv")).Skip(1)
            .Select(l => CsvLine(l)).Where(f => f[0] == file).Select(f => (int.Parse(f[1], System.Globalization.CultureInfo.InvariantCulture), f[4], f[5]))];

    private static string[] CsvLine(string line)
    {
        var fields = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { current.Append('"'); i++; }
                else if (c == '"') { quoted = false; }
                else { current.Append(c); }
            }
            else if (c == '"') { quoted = true; }
            else if (c == ',') { fields.Add(current.ToString()); current.Clear(); }
            else { current.Append(c); }
        }
        fields.Add(current.ToString());
        return [.. fields];
    }

    private static string Entry(string code, string industry = "C13", string size = "medium", string ownership = "173", string joined = "2026-06", int baseline = 200,
        string left = "", string reason = "") => $"{code},某某制造有限公司,440106,{industry},{size},{ownership},{joined},{baseline},{left},{reason},440106,1";

    private static string Report(string code, string month, int baseline, int current, string change = "", string pct = "", string type = "",
        string r1 = "", string r2 = "", string r3 = "", string baselineMonth = "2026-06", string id = "") =>
        $"{(id.Length > 0 ? id : code + "-" + month)},{code},{month},{baselineMonth},{baseline},{current},{change},{pct},{type},{r1},{r2},{r3},150,3,{Math.Max(0, baseline - current) + 3},440106,1";

    [Fact]
    public void SampleEntries_AreCheckedByTheCodeTables_MicroRefused_LeavingNeedsAReason()
    {
        var enterprises = Write("enterprises.csv", EnterprisesHeader,
            Entry(Code(1)),
            Entry(Code(2), industry: "C05"),                  // division 05 is agriculture (A)
            Entry(Code(3), size: "micro"),
            Entry(Code(4), ownership: "999"),
            Entry(Code(5), left: "2026-06", reason: "closure"), // leaves the month it joins
            Entry(Code(6), left: "2026-09"),                   // no reason
            Entry("91999999MA00000070", joined: "2026-12"));   // future month; division 999999; bad check character

        var result = Import(enterprises);

        Assert.Equal((7, 1, 6), (result.Datasets["enterprises"].Read, result.Datasets["enterprises"].Accepted, result.Datasets["enterprises"].Rejected));
        var rejects = Rejects("enterprises.csv");
        Assert.Contains((3, "industry", "is 'C05'; division 05 (农、林、牧、渔业) belongs to section A, not C"), rejects);
        Assert.Contains((4, "size_class", "is micro; micro enterprises are not sampled (人社部发〔2009〕152号)"), rejects);
        Assert.Contains(rejects, r => r.Line == 5 && r.Field == "ownership" && r.Reason.StartsWith("is '999'; allowed: 110, 120", StringComparison.Ordinal));
        Assert.Contains((6, "left_month", "is 2026-06, not after joined_month 2026-06: an enterprise reports from the month after it joins"), rejects);
        Assert.Contains((7, "leave_reason", "is required but empty"), rejects);
        Assert.Contains((8, "joined_month", "is 2026-12, in the future (today is 2026-11-20)"), rejects);
        Assert.Contains(rejects, r => r.Line == 8 && r.Field == "credit_code" && r.Reason.StartsWith("is not a valid GB 32100", StringComparison.Ordinal));
        Assert.Equal([Code(1)], _store.ReadStaged(Dataset.Enterprises).Select(r => r[0]));
    }

    [Fact]
    public void SampleEntry_CannotBeReplacedSilently_OnlyLeaveByARecordedAdjustment()
    {
        Import(Write("enterprises.csv", EnterprisesHeader, Entry(Code(1))));

        var result = Import(Write("enterprises-2.csv", EnterprisesHeader,
            Entry(Code(1), joined: "2026-07", baseline: 180)));
        var rejects = Rejects("enterprises-2.csv");
        Assert.Equal(1, result.Datasets["enterprises"].Rejected);
        Assert.Contains((2, "joined_month", "is 2026-07, but the sample entry has 2026-06; an entry's joined month and baseline never change — record its leaving (left_month, leave_reason) and add the replacement"), rejects);
        Assert.Contains((2, "baseline_count", "is 180, but the sample entry has 200; an entry's joined month and baseline never change — record its leaving (left_month, leave_reason) and add the replacement"), rejects);

        Assert.Equal(1, Import(Write("enterprises-3.csv", EnterprisesHeader, Entry(Code(1), left: "2026-10", reason: "replaced"))).Datasets["enterprises"].Changed);
        Import(Write("enterprises-4.csv", EnterprisesHeader, Entry(Code(1))));
        Assert.Contains((2, "left_month", "is '', but the enterprise left the sample in 2026-10; a recorded leaving is final"), Rejects("enterprises-4.csv"));
        Import(Write("enterprises-5.csv", EnterprisesHeader, Entry(Code(2))), Write("enterprises-6.csv", EnterprisesHeader, Entry(Code(2))[..^1] + "0"));
        Assert.Contains((2, "valid", "is 0, but a sample entry is not dropped: record its leaving (left_month, leave_reason) instead"), Rejects("enterprises-6.csv"));
        Assert.Equal("2026-10", _store.ReadStaged(Dataset.Enterprises).Single(e => e[0] == Code(1))[Dataset.Enterprises.IndexOf("left_month")]);
    }

    [Fact]
    public void Reports_ComputeChangeAndPercent_AndAreCheckedAgainstTheirSampleEntry()
    {
        var enterprises = Write("enterprises.csv", EnterprisesHeader,
            Entry(Code(1), baseline: 800),
            Entry(Code(2), baseline: 0),
            Entry(Code(3), baseline: 120, left: "2026-09", reason: "closure"));
        var reports = Write("enterprise_reports.csv", ReportsHeader,
            Report(Code(1), "2026-10", 800, 699, change: "-101", pct: "-12.63", type: "economic_layoff", r1: "04", r2: "06"), // −12.625 → −12.63
            Report(Code(1), "2026-09", 800, 810),
            Report(Code(2), "2026-10", 0, 5),
            Report(Code(3), "2026-09", 120, 0, type: "closure", r1: "08"),
            Report(Code(1), "2026-08", 800, 790),                                  // a reduction without a type
            Report(Code(1), "2026-07", 800, 820, type: "other"),                   // a type without a reduction
            Report(Code(1), "2026-06", 800, 800),                                  // the month it joined
            Report(Code(3), "2026-10", 120, 0, type: "closure"),                   // after it left
            Report(Code(1), "2026-11", 700, 650, change: "-40", pct: "-7.14", type: "suspension", r1: "04", r2: "04"),
            Report(Code(9), "2026-10", 100, 100),                                  // not in the sample
            Report(Code(1), "2026-05", 800, 800, baselineMonth: "2026-04", id: "X"));

        var result = Import(enterprises, reports);

        Assert.Equal((11, 4, 7), (result.Datasets["enterprise_reports"].Read, result.Datasets["enterprise_reports"].Accepted, result.Datasets["enterprise_reports"].Rejected));
        var r = Dataset.EnterpriseReports;
        var staged = _store.ReadStaged(r).ToDictionary(v => v[0]);
        Assert.Equal(("-101", "-12.63"), (staged[Code(1) + "-2026-10"][r.IndexOf("change")], staged[Code(1) + "-2026-10"][r.IndexOf("change_pct")]));
        Assert.Equal(("10", "1.25"), (staged[Code(1) + "-2026-09"][r.IndexOf("change")], staged[Code(1) + "-2026-09"][r.IndexOf("change_pct")]));
        Assert.Equal(("5", ""), (staged[Code(2) + "-2026-10"][r.IndexOf("change")], staged[Code(2) + "-2026-10"][r.IndexOf("change_pct")]));
        var rejects = Rejects("enterprise_reports.csv");
        Assert.Contains((6, "reduction_type", "is required but empty"), rejects);
        Assert.Contains((7, "reduction_type", "is other, but the head count did not fall (820 against a baseline of 800); a type is given exactly for a reduction"), rejects);
        Assert.Contains((8, "survey_month", "is 2026-06; the enterprise joined the sample in 2026-06 and reports from the month after"), rejects);
        Assert.Contains((9, "survey_month", "is 2026-10, after the enterprise left the sample in 2026-09"), rejects);
        Assert.Contains((10, "change", "is '-40', but current_count − baseline_count is -50"), rejects);
        Assert.Contains((10, "survey_month", "is 2026-11, a month not over yet (today is 2026-11-20); a month is reported after its end"), rejects);
        Assert.Contains((10, "reason_2", "repeats reason 04; each reason is ranked once"), rejects);
        Assert.Contains((10, "baseline_count", "is 700; the sample entry's baseline is 800"), rejects);
        Assert.Contains((11, "credit_code", "names no enterprise of this city's sample; import it in enterprises first"), rejects);
        Assert.Contains((12, "report_id", $"is 'X'; a report's id is its credit code and survey month: {Code(1)}-2026-05"), rejects);
        Assert.Contains((12, "baseline_month", "is 2026-04; the baseline (建档期) is the end of the month the enterprise joined: 2026-06"), rejects);
    }

    [Fact]
    public void ADuplicateRowInOneExport_IsListed_AReportStoredUnderTheOldBaselineMonth_IsKept_AndCategoryOwnershipIsAccepted()
    {
        // 150 有限责任公司 and 170 私营 are categories of the form's 16 types: accepted like their sub-types.
        var enterprises = Write("enterprises.csv", EnterprisesHeader, Entry(Code(1), ownership: "150"), Entry(Code(2), ownership: "170"), Entry(Code(3), ownership: "140"));
        Assert.Equal(3L, Import(enterprises).Datasets["enterprises"].Accepted);
        // A store filled under the earlier reading holds a report whose baseline month is the month
        // before joining; it stays as it is (its sealed periods keep their digests), and the same row
        // delivered again changes nothing.
        var old = Report(Code(2), "2026-09", 200, 200, change: "0", pct: "0.00", baselineMonth: "2026-05").Split(',');
        using (var staging = _store.Staging.BeginStaging())
        {
            staging.Upsert(Dataset.EnterpriseReports, old);
            staging.Commit();
        }
        var reports = Write("enterprise_reports.csv", ReportsHeader,
            Report(Code(1), "2026-09", 200, 190, type: "other"),
            Report(Code(1), "2026-09", 200, 190, type: "other"),   // the same row twice in one export
            Report(Code(2), "2026-09", 200, 200, baselineMonth: "2026-05"),
            Report(Code(2), "2026-10", 200, 200, baselineMonth: "2026-05"));
        var result = Import(reports);
        Assert.Equal((2L, 2L, 1L), (result.Datasets["enterprise_reports"].Accepted, result.Datasets["enterprise_reports"].Rejected, result.Datasets["enterprise_reports"].Changed));
        var rejects = Rejects("enterprise_reports.csv");
        Assert.Contains((3, "report_id", "duplicate row: the same report as enterprise_reports.csv line 2; an export lists each report once"), rejects);
        Assert.Contains((5, "baseline_month", "is 2026-05; the baseline (建档期) is the end of the month the enterprise joined: 2026-06"), rejects);
        // Delivered again in a later export, the report changes nothing and is not a duplicate row.
        var again = Import(Write("enterprise_reports-2.csv", ReportsHeader, Report(Code(1), "2026-09", 200, 190, type: "other")));
        Assert.Equal((1L, 0L, 0L), (again.Datasets["enterprise_reports"].Accepted, again.Datasets["enterprise_reports"].Rejected, again.Datasets["enterprise_reports"].Changed));
    }

    [Fact]
    public void AMonth_IsReportedOnce_ARedeliveryChangesNothing_ValidZeroWithdraws()
    {
        var enterprises = Write("enterprises.csv", EnterprisesHeader, Entry(Code(1)));
        var first = Write("enterprise_reports.csv", ReportsHeader,
            Report(Code(1), "2026-10", 200, 190, type: "other"),
            Report(Code(1), "2026-10", 200, 185, type: "other"));  // the same month again, other figures
        var result = Import(enterprises, first);
        Assert.Equal((1L, 1L), (result.Datasets["enterprise_reports"].Accepted, result.Datasets["enterprise_reports"].Rejected));
        Assert.Contains((3, "report_id", $"{Code(1)}-2026-10: the enterprise already reported 2026-10 with other figures; a month is reported once (the same report again changes nothing; valid=0 withdraws it)"),
            Rejects("enterprise_reports.csv"));

        var again = Import(Write("enterprise_reports-2.csv", ReportsHeader, Report(Code(1), "2026-10", 200, 190, type: "other")));
        Assert.Equal((1L, 0L), (again.Datasets["enterprise_reports"].Accepted, again.Datasets["enterprise_reports"].Changed));

        var withdrawn = Import(Write("enterprise_reports-3.csv", ReportsHeader, Report(Code(1), "2026-10", 200, 190, type: "other")[..^1] + "0"));
        Assert.Equal(1L, withdrawn.Datasets["enterprise_reports"].Changed);
        Assert.Equal("0", _store.ReadStaged(Dataset.EnterpriseReports).Single()[Dataset.EnterpriseReports.ValidColumn]);
    }

    [Fact]
    public void Seal_RefusesReportsOfAMonthAfterThePeriod()
    {
        // Imported on 2 December, when November's reports are due; the period of 31 October cannot take them.
        ImportOn(new DateOnly(2026, 12, 2), Write("enterprises.csv", EnterprisesHeader, Entry(Code(1))),
            Write("enterprise_reports.csv", ReportsHeader, Report(Code(1), "2026-11", 200, 190, type: "other")));

        var refused = Assert.Throws<StoreException>(() => _store.Periods.Seal(new DateOnly(2026, 10, 31), new DateTimeOffset(2026, 12, 2, 8, 0, 0, TimeSpan.FromHours(8))));

        Assert.Equal("Period 2026-10-31 cannot be sealed: staged records are dated after it — enterprise_reports.survey_month: 1 (latest 2026-11). " +
            "A period holds what had happened by its date; seal as of 2026-11-30 or later, or correct the dates at the source.", refused.Message);
    }

    [Fact]
    public void Seal_TakesAMonthsReportsOnlyOnceTheMonthHasEnded()
    {
        Import(Write("enterprises.csv", EnterprisesHeader, Entry(Code(1))),
            Write("enterprise_reports.csv", ReportsHeader, Report(Code(1), "2026-10", 200, 190, type: "other")));
        var now = new DateTimeOffset(2026, 11, 20, 8, 0, 0, TimeSpan.FromHours(8));

        var refused = Assert.Throws<StoreException>(() => _store.Periods.Seal(new DateOnly(2026, 10, 15), now));

        Assert.Contains("enterprise_reports.survey_month: 1 (latest 2026-10)", refused.Message, StringComparison.Ordinal);
        Assert.Contains("seal as of 2026-10-31 or later", refused.Message, StringComparison.Ordinal);
        Assert.Equal(1, _store.Periods.Seal(new DateOnly(2026, 10, 31), now).Counts["enterprise_reports"]);
    }

    [Fact]
    public void JsonLines_TakeHeadCountsAsNumbersOrStrings_AsProto3JsonWritesThem()
    {
        var entries = Write("enterprises.jsonl",
            $$"""{"credit_code":"{{Code(1)}}","name":"某某制造有限公司","division":"440106","industry":"C13","size_class":"medium","ownership":"173","joined_month":"2026-06","baseline_count":"200","handling_division":"440106","valid":true}""");
        var reports = Write("enterprise_reports.jsonl",
            $$"""{"report_id":"{{Code(1)}}-2026-10","credit_code":"{{Code(1)}}","survey_month":"2026-10","baseline_month":"2026-06","baseline_count":200,"current_count":180,"reduction_type":"economic_layoff","reason_1":"04","contracted":170,"separated":22,"handling_division":"440106","valid":true}""",
            $$"""{"report_id":"{{Code(1)}}-2026-09","credit_code":"{{Code(1)}}","survey_month":"2026-09","baseline_month":"2026-06","baseline_count":200,"current_count":1.5e2,"contracted":170,"hired":2,"separated":22,"handling_division":"440106","valid":true}""");

        var result = Import(entries, reports);

        Assert.Equal((1L, 1L), (result.Datasets["enterprise_reports"].Accepted, result.Datasets["enterprise_reports"].Rejected));
        Assert.Contains((2, "current_count", "is '1.5e2'; expected a whole number of people, 0 or more"), Rejects("enterprise_reports.jsonl"));
        var r = Dataset.EnterpriseReports;
        var staged = _store.ReadStaged(r).Single();
        Assert.Equal(("200", "180", "-20", "-10.00"), (staged[r.IndexOf("baseline_count")], staged[r.IndexOf("current_count")], staged[r.IndexOf("change")], staged[r.IndexOf("change_pct")]));
        // Canonical proto3 JSON leaves out an int64 that is 0.
        Assert.Equal("0", staged[r.IndexOf("hired")]);
    }
}
