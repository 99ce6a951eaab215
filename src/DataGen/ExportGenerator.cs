using System.Globalization;
using Federation.Standards;

namespace Federation.DataGen;

/// <summary>
/// Generates a city's production export, one CSV per dataset, plus <c>defects.csv</c> (file, line,
/// kind) naming exactly the rows made defective, so a test can check that the importer rejects
/// those rows and no others. Each person gets a plausible life: working-age birth dates,
/// alternating employment and unemployment spells that never overlap, a certificate at their
/// first registration, sometimes assistance-target recognition, policies and benefits.
/// A defective person row gets no dependent records (they would be rejected as well).
/// </summary>
public static class ExportGenerator
{
    private static readonly string[] Surnames = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗", "高"];
    private static readonly string[] GivenChars = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀", "霞", "平", "刚", "桂", "英", "华", "建", "文", "玲", "红", "斌", "鹏"];
    private static readonly string[] Industries = ["C13", "C18", "C39", "E47", "F51", "F52", "G54", "H61", "H62", "I65", "K70", "M74", "O80", "P83", "Q84"];
    private static readonly string[] Policies = ["social_insurance_subsidy", "post_subsidy", "training_subsidy", "tax_relief", "guaranteed_loan"];
    private static readonly string[] Difficulties = ["4050", "disabled", "low_income", "zero_employment_family", "long_term_unemployed"];
    private const string CreditAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";

    public static GenerationSummary Generate(GeneratorOptions options, string directory)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Persons, 1);
        if (options.DefectRate is < 0 or > 0.5)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"DefectRate is {options.DefectRate}; it must be between 0 and 0.5.");
        }
        var city = DivisionTable.Default.Find(options.CityCode);
        if (city is null || city.Level == DivisionLevel.Province)
        {
            throw new ArgumentException($"'{options.CityCode}' is not a prefecture or county-level GB/T 2260 code.", nameof(options));
        }
        Directory.CreateDirectory(directory);
        var run = new Run(options, directory, city);
        return run.Execute();
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "Execute() disposes every file in its finally block; a Run is used once.")]
    private sealed class Run
    {
        private readonly GeneratorOptions _o;
        private readonly Random _random;
        private readonly string[] _counties;
        private readonly string _foreignCounty;
        private readonly HashSet<string> _ids = new(StringComparer.Ordinal);
        private readonly List<string> _employers = [];
        private readonly CsvFile _persons, _employersFile, _certificates, _employment, _unemployment, _assistance, _policies, _benefits, _defects;
        private readonly GenerationSummary _summary = new();
        private long _recordSequence;
        private long _certificateSequence;

        public Run(GeneratorOptions options, string directory, Division city)
        {
            _o = options;
            _random = new Random(options.Seed);
            _counties = [.. DivisionTable.Default.CountyLevelUnitsOf(city.Code)];
            if (_counties.Length == 0)
            {
                _counties = [city.Code];
            }
            _foreignCounty = DivisionTable.Default.All.First(d => d.Level == DivisionLevel.County && d.ProvinceCode != city.ProvinceCode).Code;
            _recordSequence = options.IdOffset * 10_000_000L;
            _certificateSequence = options.IdOffset * 100_000L;
            _persons = new CsvFile(directory, "persons.csv", ["citizen_id", "name", "sex", "birth_date", "household_division", "household_nature", "handling_division", "valid"]);
            _employersFile = new CsvFile(directory, "employers.csv", ["credit_code", "name", "industry", "division", "handling_division", "valid"]);
            _certificates = new CsvFile(directory, "certificates.csv", ["certificate_number", "citizen_id", "issue_date", "issuing_division", "cancel_date", "handling_division", "valid"]);
            _employment = new CsvFile(directory, "employment.csv", ["registration_id", "citizen_id", "form", "employer_credit_code", "start_date", "end_date", "handling_division", "valid"]);
            _unemployment = new CsvFile(directory, "unemployment.csv", ["registration_id", "citizen_id", "category", "register_date", "cancel_date", "cancel_reason", "handling_division", "valid"]);
            _assistance = new CsvFile(directory, "assistance.csv", ["recognition_id", "citizen_id", "difficulty_type", "recognized_date", "exit_date", "exit_reason", "handling_division", "valid"]);
            _policies = new CsvFile(directory, "policies.csv", ["enjoyment_id", "citizen_id", "policy_code", "start_date", "end_date", "amount", "handling_division", "valid"]);
            _benefits = new CsvFile(directory, "benefits.csv", ["benefit_id", "citizen_id", "start_date", "end_date", "monthly_amount", "handling_division", "valid"]);
            _defects = new CsvFile(directory, "defects.csv", ["file", "line", "kind"]);
        }

        public GenerationSummary Execute()
        {
            try
            {
                var employerCount = Math.Max(5, _o.Persons / 20);
                for (var i = 0; i < employerCount; i++)
                {
                    WriteEmployer();
                }
                for (var i = 0; i < _o.Persons; i++)
                {
                    WritePerson();
                }
            }
            finally
            {
                foreach (var file in new[] { _persons, _employersFile, _certificates, _employment, _unemployment, _assistance, _policies, _benefits })
                {
                    _summary.Rows[file.Name] = file.Rows;
                    file.Dispose();
                }
                _defects.Dispose();
            }
            return _summary;
        }

        private bool Defect() => _o.DefectRate > 0 && _random.NextDouble() < _o.DefectRate;

        private void Record(CsvFile file, long line, string kind)
        {
            _defects.Write(file.Name, line.ToString(CultureInfo.InvariantCulture), kind);
            _summary.DefectsByKind[kind] = _summary.DefectsByKind.GetValueOrDefault(kind) + 1;
            _summary.Defects++;
        }

        private string County() => _counties[_random.Next(_counties.Length)];

        private string NextId() => (++_recordSequence).ToString("D10", CultureInfo.InvariantCulture);

        private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        private DateOnly RandomDate(DateOnly from, DateOnly to) => from.AddDays(_random.Next(Math.Max(1, to.DayNumber - from.DayNumber + 1)));

        private void WriteEmployer()
        {
            var division = County();
            string code;
            do
            {
                var body = "91" + division + string.Concat(Enumerable.Range(0, 9).Select(_ => CreditAlphabet[_random.Next(CreditAlphabet.Length)]));
                code = body + CreditCode.CheckCharacter(body);
            }
            while (_employers.Contains(code));
            var name = $"{Surnames[_random.Next(Surnames.Length)]}{GivenChars[_random.Next(GivenChars.Length)]}有限公司";
            if (Defect())
            {
                var broken = code[..17] + (code[17] == '0' ? '1' : '0');
                Record(_employersFile, _employersFile.Write(broken, name, Industries[_random.Next(Industries.Length)], division, division, "1"), "bad_credit_code");
                return;
            }
            _employers.Add(code);
            _employersFile.Write(code, name, Industries[_random.Next(Industries.Length)], division, division, "1");
        }

        private void WritePerson()
        {
            // Working-age population skewed young: ages 16–60 on the as-of date.
            var age = 16 + (int)(44 * Math.Pow(_random.NextDouble(), 1.3));
            var birth = RandomDate(_o.AsOf.AddYears(-age - 1).AddDays(1), _o.AsOf.AddYears(-age));
            var male = _random.Next(2) == 0;
            var household = County();
            string id;
            do
            {
                var sequence = _random.Next(500) * 2 + (male ? 1 : 0);
                var first17 = household + birth.ToString("yyyyMMdd", CultureInfo.InvariantCulture) + sequence.ToString("D3", CultureInfo.InvariantCulture);
                id = first17 + CitizenId.CheckCharacter(first17);
            }
            while (!_ids.Add(id));
            var name = Surnames[_random.Next(Surnames.Length)] + GivenChars[_random.Next(GivenChars.Length)] + (_random.Next(3) == 0 ? "" : GivenChars[_random.Next(GivenChars.Length)]);
            var handling = County();
            string[] row = [id, name, male ? "1" : "2", Iso(birth), household, _random.Next(3) == 0 ? "1" : "2", handling, "1"];

            if (Defect())
            {
                var kind = _random.Next(6) switch
                {
                    0 => "bad_id_checksum",
                    1 => "sex_mismatch",
                    2 => "birth_mismatch",
                    3 => "outside_jurisdiction",
                    4 => "missing_name",
                    _ => "bad_valid_flag",
                };
                switch (kind)
                {
                    case "bad_id_checksum":
                        row[0] = id[..17] + (id[17] == '0' ? '1' : '0');
                        break;
                    case "sex_mismatch":
                        row[2] = male ? "2" : "1";
                        break;
                    case "birth_mismatch":
                        row[3] = Iso(birth.AddDays(1));
                        break;
                    case "outside_jurisdiction":
                        row[6] = _foreignCounty;
                        break;
                    case "missing_name":
                        row[1] = "";
                        break;
                    default:
                        row[7] = "yes";
                        break;
                }
                Record(_persons, _persons.Write(row), kind);
                return; // no dependent records for a rejected person
            }
            _persons.Write(row);
            WriteLife(id, birth, handling);
        }

        private void WriteLife(string id, DateOnly birth, string handling)
        {
            var adult = birth.AddYears(16);
            var earliest = adult > new DateOnly(2015, 1, 1) ? adult : new DateOnly(2015, 1, 1);
            if (earliest >= _o.AsOf.AddDays(-30) || _random.NextDouble() < 0.25)
            {
                return; // never registered
            }
            var t = RandomDate(earliest, _o.AsOf.AddDays(-30));
            var employedFirst = _random.NextDouble() < 0.6;
            var spells = 1 + _random.Next(3);
            var certificateWritten = false;
            string? lastCategory = null;
            var assisted = _random.NextDouble() < 0.05;
            DateOnly? recognizedAt = null;
            for (var s = 0; s < spells && t <= _o.AsOf; s++)
            {
                var employed = (s % 2 == 0) == employedFirst;
                var length = 30 + _random.Next(900);
                var end = t.AddDays(length);
                var open = end > _o.AsOf || s == spells - 1 && _random.NextDouble() < 0.7;
                if (!certificateWritten)
                {
                    WriteCertificate(id, t, handling);
                    certificateWritten = true;
                }
                if (employed)
                {
                    var form = _random.NextDouble() switch { < 0.7 => "unit", < 0.8 => "self", _ => "flexible" };
                    var employer = form == "flexible" ? "" : _employers[_random.Next(_employers.Count)];
                    if (assisted && recognizedAt is not null && _random.NextDouble() < 0.8)
                    {
                        WriteAssistance(id, recognizedAt.Value, t, form, handling);
                        assisted = false;
                    }
                    var line = WriteEmployment(id, form, employer, t, open ? null : end, handling, out var clean);
                    if (clean && Defect())
                    {
                        // An unemployment registration beginning while this employment is still open.
                        var inside = RandomDate(t, open ? _o.AsOf : end.AddDays(-1));
                        Record(_unemployment, _unemployment.Write(NextId(), id, "other", Iso(inside), "", "", handling, "1"), "unemployment_during_employment");
                    }
                    if (_random.NextDouble() < 0.08)
                    {
                        WritePolicy(id, t, handling);
                    }
                    _ = line;
                    lastCategory = "employment_to_unemployment";
                }
                else
                {
                    var category = lastCategory ?? (_random.NextDouble() < 0.7 ? "new_entrant" : "other");
                    WriteUnemployment(id, category, t, open ? null : end, handling);
                    if (assisted && recognizedAt is null && t.AddDays(10) <= _o.AsOf)
                    {
                        recognizedAt = t.AddDays(10);
                    }
                    if (category == "employment_to_unemployment" && _random.NextDouble() < 0.3)
                    {
                        WriteBenefit(id, t, open ? null : end, handling);
                    }
                }
                if (open)
                {
                    break;
                }
                t = end.AddDays(1 + _random.Next(60));
            }
            if (assisted && recognizedAt is not null)
            {
                WriteAssistance(id, recognizedAt.Value, null, null, handling); // still a target
            }
        }

        private void WriteCertificate(string id, DateOnly issued, string handling)
        {
            var number = handling + (_random.Next(2) == 0 ? "1" : "2") + "0" + (issued.Year % 100).ToString("D2", CultureInfo.InvariantCulture)
                         + ((++_certificateSequence) % 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
            if (Defect())
            {
                Record(_certificates, _certificates.Write(number, UnknownPerson(), Iso(issued), handling, "", handling, "1"), "unknown_person");
                return;
            }
            _certificates.Write(number, id, Iso(issued), handling, "", handling, "1");
            if (Defect())
            {
                var second = handling + "10" + (issued.Year % 100).ToString("D2", CultureInfo.InvariantCulture) + ((++_certificateSequence) % 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
                Record(_certificates, _certificates.Write(second, id, Iso(issued), handling, "", handling, "1"), "duplicate_valid_certificate");
            }
        }

        private long WriteEmployment(string id, string form, string employer, DateOnly start, DateOnly? end, string handling, out bool clean)
        {
            string[] row = [NextId(), id, form, employer, Iso(start), end is null ? "" : Iso(end.Value), handling, "1"];
            clean = true;
            if (Defect())
            {
                clean = false;
                var kind = _random.Next(4) switch { 0 => "bad_form", 1 => "date_order", 2 => "future_date", _ => "unknown_person" };
                switch (kind)
                {
                    case "bad_form":
                        row[2] = "contract";
                        break;
                    case "date_order":
                        row[5] = Iso(start.AddDays(-1));
                        break;
                    case "future_date":
                        row[4] = "2099-01-01";
                        row[5] = "";
                        break;
                    default:
                        row[1] = UnknownPerson();
                        break;
                }
                var line = _employment.Write(row);
                Record(_employment, line, kind);
                return line;
            }
            return _employment.Write(row);
        }

        private void WriteUnemployment(string id, string category, DateOnly registered, DateOnly? cancelled, string handling)
        {
            string[] row = [NextId(), id, category, Iso(registered), cancelled is null ? "" : Iso(cancelled.Value), cancelled is null ? "" : "employed", handling, "1"];
            if (Defect())
            {
                row[2] = "laid_off";
                Record(_unemployment, _unemployment.Write(row), "bad_category");
                return;
            }
            _unemployment.Write(row);
        }

        private void WriteAssistance(string id, DateOnly recognized, DateOnly? exit, string? form, string handling)
        {
            string[] row = [NextId(), id, Difficulties[_random.Next(Difficulties.Length)], Iso(recognized),
                exit is null ? "" : Iso(exit.Value), exit is null ? "" : form!, handling, "1"];
            if (exit is not null && Defect())
            {
                row[4] = Iso(recognized.AddDays(-1));
                Record(_assistance, _assistance.Write(row), "date_order");
                return;
            }
            _assistance.Write(row);
        }

        private void WritePolicy(string id, DateOnly start, string handling)
        {
            var amount = (200 + _random.Next(3000)).ToString(CultureInfo.InvariantCulture) + ".00";
            string[] row = [NextId(), id, Policies[_random.Next(Policies.Length)], Iso(start), "", amount, handling, "1"];
            if (Defect())
            {
                row[5] = "-5";
                Record(_policies, _policies.Write(row), "bad_amount");
                return;
            }
            _policies.Write(row);
        }

        private void WriteBenefit(string id, DateOnly start, DateOnly? end, string handling)
        {
            var benefitEnd = end is { } e && e <= start.AddDays(720) ? e : (DateOnly?)null;
            string[] row = [NextId(), id, Iso(start), benefitEnd is null ? "" : Iso(benefitEnd.Value), (1500 + _random.Next(800)).ToString(CultureInfo.InvariantCulture) + ".50", handling, "1"];
            if (Defect())
            {
                row[1] = UnknownPerson();
                Record(_benefits, _benefits.Write(row), "unknown_person");
                return;
            }
            _benefits.Write(row);
        }

        // A well-formed citizen ID that names nobody in this export (born 1900, never generated).
        private string UnknownPerson()
        {
            var first17 = _counties[0] + "19000101" + _random.Next(1000).ToString("D3", CultureInfo.InvariantCulture);
            return first17 + CitizenId.CheckCharacter(first17);
        }
    }
}

/// <summary>What a generation produced.</summary>
public sealed class GenerationSummary
{
    public Dictionary<string, long> Rows { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, long> DefectsByKind { get; } = new(StringComparer.Ordinal);
    public long Defects { get; set; }
    public long TotalRows => Rows.Values.Sum();
}
