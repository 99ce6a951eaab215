using System.Globalization;
using Federation.Standards;
using Federation.Store;

namespace Federation.Node.Ingest;

/// <summary>
/// Checks one export row against the national standard (<see cref="Validate"/>, no I/O) and against
/// what is already staged (<see cref="CheckAgainstStaged"/>), and turns it into the store's column values. Rules (R-2: reject invalid data, corrected at source):
/// required fields; code tables; GB 11643 / GB 32100 checksums; the person exists; dates real, in
/// order and not in the future; the handling division known and inside this node's
/// jurisdiction (a certificate's issuing county too: it is held by the node that covers the county
/// its number routes to); one valid certificate per person; no unemployment registration that begins
/// while the same person's employment registration is still open.
/// <para>
/// A parent runs the same rules on every record a child sends it (<see cref="ValidateReceived"/>,
/// docs/security.md "Node-to-node trust"): made with the child's jurisdiction and, for
/// <paramref name="today"/>, the period's date, with <paramref name="receivedFrom"/> naming the child
/// and <paramref name="bound"/> what the date is ("the period"; "today" for a registration-feed change).
/// </para>
/// </summary>
internal sealed class RecordValidator(Jurisdiction jurisdiction, DivisionTable divisions, DateOnly today, string? receivedFrom = null, string bound = "the period")
{
    private static readonly HashSet<string> EmploymentForms = ["unit", "self", "flexible"];
    private static readonly HashSet<string> UnemployedCategories = ["new_entrant", "employment_to_unemployment", "other"];

    /// <summary>
    /// The checks that need nothing but the row (run on the reader's thread): returns the values in
    /// column order — filled as far as they could be read, even when <paramref name="errors"/> is
    /// not empty — or null when the row could not be read at all.
    /// </summary>
    public string[]? Validate(Dataset dataset, SourceRecord record, List<(string Field, string Reason)> errors)
    {
        errors.Clear();
        if (record.Fields.TryGetValue("__error", out var rowError))
        {
            errors.Add(("(row)", rowError));
            return null;
        }
        var row = new Row(dataset, record, errors, receivedFrom, bound);
        switch (dataset.Name)
        {
            case "persons":
                ValidatePerson(row);
                break;
            case "employers":
                row.Credit("credit_code", required: true);
                row.Text("name", required: true, maxLength: 200);
                row.Pattern("industry", "GB/T 4754 section letter A–T and 2-digit division, e.g. C13", v => v.Length == 3 && v[0] is >= 'A' and <= 'T' && char.IsAsciiDigit(v[1]) && char.IsAsciiDigit(v[2]));
                row.KnownDivision("division", divisions);
                break;
            case "certificates":
                ValidateCertificate(row);
                break;
            case "employment":
                ValidateEmployment(row);
                break;
            case "unemployment":
                ValidateUnemployment(row);
                break;
            case "assistance":
                row.Text("recognition_id", required: true, maxLength: 40);
                row.Person("citizen_id");
                row.Text("difficulty_type", required: true, maxLength: 40);
                var recognized = row.Date("recognized_date", required: true, today);
                var exit = row.Date("exit_date", required: false, today);
                row.NotBefore("exit_date", exit, "recognized_date", recognized);
                row.Reason("exit_reason", ExitReasons.NormalizeAssistance, required: exit is not null);
                break;
            case "policies":
                row.Text("enjoyment_id", required: true, maxLength: 40);
                row.Person("citizen_id");
                row.Text("policy_code", required: true, maxLength: 40);
                var start = row.Date("start_date", required: true, today);
                row.NotBefore("end_date", row.Date("end_date", required: false, today: null), "start_date", start);
                row.Amount("amount");
                break;
            case "enterprises":
                ValidateEnterprise(row);
                break;
            case "enterprise_reports":
                ValidateReport(row);
                break;
            case "benefits":
                row.Text("benefit_id", required: true, maxLength: 40);
                row.Person("citizen_id");
                var from = row.Date("start_date", required: true, today);
                row.NotBefore("end_date", row.Date("end_date", required: false, today: null), "start_date", from);
                row.Amount("monthly_amount");
                break;
            default:
                throw new ImportException($"No validation rules for dataset '{dataset.Name}'.");
        }
        row.HandlingDivision(jurisdiction, divisions);
        row.ValidFlag();
        return row.Values;
    }

    /// <summary>
    /// The row checks of <see cref="Validate"/> for a record as a child sent it (values in the
    /// dataset's column order, valid as 1/0): besides those, the values must be exactly what import
    /// stores (normalised: a sealed record was), and no date may be after the period (every date and
    /// month column, as sealing requires: <see cref="SealRules.DatedAfter"/>). Returns whether the
    /// record passed; <paramref name="errors"/> says why not.
    /// </summary>
    public bool ValidateReceived(Dataset dataset, IReadOnlyList<string> values, Dictionary<string, string> fields, List<(string Field, string Reason)> errors)
    {
        fields.Clear();
        for (var i = 0; i < values.Count; i++)
        {
            fields[dataset.Columns[i]] = values[i];
        }
        var normalised = Validate(dataset, new SourceRecord(receivedFrom ?? "", 0, fields), errors);
        for (var i = 0; normalised is not null && i < values.Count; i++)
        {
            var column = dataset.Columns[i];
            if (!HasError(errors, column) && normalised[i] != values[i])
            {
                // No value in the reason: it may be a name or an ID number.
                errors.Add((column, "is not in the form import stores (it would be normalised); a sealed record always is"));
            }
        }
        foreach (var column in SealRules.DateColumns(dataset))
        {
            var index = dataset.IndexOf(column);
            if (!HasError(errors, column) && SealRules.DatedAfter(new Period(today), column, values[index]) is { } limit)
            {
                errors.Add((column, Row.After(values[index], limit, bound)));
            }
        }
        return errors.Count == 0;
    }

    /// <summary>
    /// The checks against what is already staged (run on the writer's thread, inside the import's
    /// transaction, so earlier rows of the same import count): the person exists; one valid
    /// certificate per person; no unemployment beginning while an employment is open. Fields that
    /// failed to parse are not checked again.
    /// </summary>
    public static void CheckAgainstStaged(Dataset dataset, string[] values, IStagingTransaction staging, List<(string Field, string Reason)> errors)
    {
        if (dataset == Dataset.Enterprises)
        {
            CheckSampleEntry(values, staging, errors);
            return;
        }
        if (dataset == Dataset.EnterpriseReports)
        {
            CheckReport(values, staging, errors);
            return;
        }
        if (dataset.CitizenColumn < 0 || dataset == Dataset.Persons || HasError(errors, "citizen_id"))
        {
            return;
        }
        var citizen = values[dataset.CitizenColumn];
        switch (staging.PersonValidity(citizen))
        {
            case null:
                errors.Add(("citizen_id", $"names no person ({CitizenId.Mask(citizen)}): import the person's basic information first"));
                return;
            case false:
                errors.Add(("citizen_id", $"names a person ({CitizenId.Mask(citizen)}) whose basic information is marked invalid (valid=0); a record of a person needs the person's valid basic information"));
                return;
        }
        var valid = values[dataset.ValidColumn] == "1";
        if (dataset == Dataset.Certificates && valid && values[dataset.IndexOf("cancel_date")].Length == 0 && !HasError(errors, "certificate_number") &&
            staging.OtherValidCertificate(citizen, values[0]) is { } other)
        {
            errors.Add(("certificate_number", $"the person already holds valid certificate {CitizenId.Mask(other)}; cancel it first (one valid certificate per person)"));
        }
        else if (dataset == Dataset.Unemployment && valid && !HasError(errors, "register_date"))
        {
            var registered = values[dataset.IndexOf("register_date")];
            if (staging.EmploymentOpenOn(citizen, registered) is { } open)
            {
                errors.Add(("register_date", $"the person's employment registration {open} is still open on {registered}; end it before registering unemployment"));
            }
        }
    }

    private static bool HasError(List<(string Field, string Reason)> errors, string field)
    {
        foreach (var (f, _) in errors)
        {
            if (f == field)
            {
                return true;
            }
        }
        return false;
    }

    // Enterprise monitoring (DOMAIN.md, "Our precise reading of enterprise monitoring").
    private void ValidateEnterprise(Row row)
    {
        if (row.Credit("credit_code", required: true) is { } code && divisions.CheckDated(code.DivisionCode, null) is { } division)
        {
            row.Fail("credit_code", $"characters 3–8 must be a division code: {code.DivisionCode} {division}");
        }
        row.Text("name", required: true, maxLength: 200);
        row.KnownDivision("division", divisions);
        row.Industry("industry");
        if (row.Code("size_class", EnterpriseMonitoring.SizeClasses, required: true) == "micro")
        {
            row.Fail("size_class", "is micro; micro enterprises are not sampled (人社部发〔2009〕152号)");
        }
        row.Code("ownership", [.. EnterpriseMonitoring.Ownership.Keys], required: true);
        var joined = row.Month("joined_month", required: true, today);
        row.Count("baseline_count", required: true);
        var left = row.Month("left_month", required: false, today);
        if (left is not null && joined is not null && string.CompareOrdinal(left, joined) <= 0)
        {
            row.Fail("left_month", $"is {left}, not after joined_month {joined}: an enterprise reports from the month after it joins");
        }
        var reason = row.Code("leave_reason", [.. EnterpriseMonitoring.LeaveReasons.Keys], required: left is not null);
        if (reason is not null && left is null)
        {
            row.Fail("leave_reason", "is given but left_month is empty; a reason belongs to a recorded leaving");
        }
    }

    private void ValidateReport(Row row)
    {
        var code = row.Credit("credit_code", required: true);
        var month = row.Month("survey_month", required: true, today, ended: true);
        var id = row.Text("report_id", required: true, maxLength: 40);
        if (id is not null && code is { } c && month is not null && id != $"{c.Value}-{month}")
        {
            row.Fail("report_id", $"is '{id}'; a report's id is its credit code and survey month: {c.Value}-{month}");
        }
        row.Month("baseline_month", required: true, today);
        var baseline = row.Count("baseline_count", required: true);
        var current = row.Count("current_count", required: true);
        row.Change(baseline, current);
        var type = row.Code("reduction_type", [.. EnterpriseMonitoring.ReductionTypes.Keys], required: current < baseline);
        if (type is not null && !(current < baseline))
        {
            row.Fail("reduction_type", $"is {type}, but the head count did not fall ({current} against a baseline of {baseline}); a type is given exactly for a reduction");
        }
        if (type == "closure" && current is > 0)
        {
            row.Fail("current_count", $"is {current}; a closed enterprise reports a head count of 0");
        }
        row.Reasons(reduction: current < baseline);
        row.Count("contracted", required: true);
        row.Count("hired", required: true);
        row.Count("separated", required: true);
    }

    private static void CheckSampleEntry(string[] values, IStagingTransaction staging, List<(string Field, string Reason)> errors)
    {
        if (HasError(errors, "credit_code") || staging.Find(Dataset.Enterprises, values[0]) is not { } staged)
        {
            return;
        }
        // The sample is fixed: an entry is never dropped or replaced except by a recorded
        // adjustment — its leaving (left_month, leave_reason) — after which a replacement is added.
        var e = Dataset.Enterprises;
        foreach (var field in new[] { "joined_month", "baseline_count" })
        {
            if (staged[e.IndexOf(field)] != values[e.IndexOf(field)] && !HasError(errors, field))
            {
                errors.Add((field, $"is {values[e.IndexOf(field)]}, but the sample entry has {staged[e.IndexOf(field)]}; an entry's joined month and baseline never change — record its leaving (left_month, leave_reason) and add the replacement"));
            }
        }
        if (staged[e.ValidColumn] == "1" && values[e.ValidColumn] == "0" && !HasError(errors, "valid"))
        {
            errors.Add(("valid", "is 0, but a sample entry is not dropped: record its leaving (left_month, leave_reason) instead"));
        }
        var left = staged[e.IndexOf("left_month")];
        if (left.Length > 0 && values[e.IndexOf("left_month")] != left && !HasError(errors, "left_month"))
        {
            errors.Add(("left_month", $"is '{values[e.IndexOf("left_month")]}', but the enterprise left the sample in {left}; a recorded leaving is final"));
        }
    }

    private static void CheckReport(string[] values, IStagingTransaction staging, List<(string Field, string Reason)> errors)
    {
        var r = Dataset.EnterpriseReports;
        var e = Dataset.Enterprises;
        if (HasError(errors, "credit_code"))
        {
            return;
        }
        var entry = staging.Find(e, values[r.IndexOf("credit_code")]);
        if (entry is null || entry[e.ValidColumn] != "1")
        {
            errors.Add(("credit_code", entry is null
                ? "names no enterprise of this city's sample; import it in enterprises first"
                : "names a sample entry marked invalid (valid=0)"));
            return;
        }
        var month = values[r.IndexOf("survey_month")];
        var joined = entry[e.IndexOf("joined_month")];
        var left = entry[e.IndexOf("left_month")];
        if (!HasError(errors, "survey_month"))
        {
            if (string.CompareOrdinal(month, joined) <= 0)
            {
                errors.Add(("survey_month", $"is {month}; the enterprise joined the sample in {joined} and reports from the month after"));
            }
            else if (left.Length > 0 && string.CompareOrdinal(month, left) > 0)
            {
                errors.Add(("survey_month", $"is {month}, after the enterprise left the sample in {left}"));
            }
        }
        // The baseline (建档期) is the head count at the end of the month the enterprise joined
        // (152号: chosen and baselined by the end of December, first survey month January). A report
        // stored under the earlier reading (the month before) is kept as it is: the same row again
        // changes nothing, and sealed periods keep their digests.
        var identicalToStored = staging.Find(r, values[0]) is { } stored && SameExceptValidity(stored, values, r.ValidColumn);
        if (!HasError(errors, "baseline_month") && values[r.IndexOf("baseline_month")] != joined && !identicalToStored)
        {
            errors.Add(("baseline_month", $"is {values[r.IndexOf("baseline_month")]}; the baseline (建档期) is the end of the month the enterprise joined: {joined}"));
        }
        if (!HasError(errors, "baseline_count") && values[r.IndexOf("baseline_count")] != entry[e.IndexOf("baseline_count")])
        {
            errors.Add(("baseline_count", $"is {values[r.IndexOf("baseline_count")]}; the sample entry's baseline is {entry[e.IndexOf("baseline_count")]}"));
        }
        // A month is reported once: the same report again changes nothing, valid=0 withdraws it,
        // other figures for the same entry and month are refused (DOMAIN.md).
        if (!HasError(errors, "report_id") && staging.Find(r, values[0]) is { } earlier && !SameExceptValidity(earlier, values, r.ValidColumn))
        {
            errors.Add(("report_id", $"{values[0]}: the enterprise already reported {month} with other figures; a month is reported once (the same report again changes nothing; valid=0 withdraws it)"));
        }
        if (values[r.IndexOf("reduction_type")] == "closure" && left != month)
        {
            errors.Add(("reduction_type", $"is closure, so the enterprise leaves the sample with this report: record left_month {month} and leave_reason closure in enterprises"));
        }
    }

    private static bool SameExceptValidity(string[] a, string[] b, int validColumn)
    {
        for (var i = 0; i < a.Length; i++)
        {
            if (i != validColumn && a[i] != b[i])
            {
                return false;
            }
        }
        return true;
    }


    private void ValidatePerson(Row row)
    {
        var idText = row.Raw("citizen_id");
        var sex = row.Code("sex", ["1", "2"], required: true);
        var birth = row.Date("birth_date", required: true, today);
        if (!CitizenId.TryParse(idText, out var id, out var error))
        {
            row.Fail("citizen_id", $"is not a valid GB 11643 citizen ID: {error}");
        }
        else
        {
            row.Set("citizen_id", id.Value);
            if (sex is not null && sex != ((int)id.Sex).ToString(CultureInfo.InvariantCulture))
            {
                row.Fail("sex", $"is {sex} but the citizen ID says {(id.Sex == Sex.Male ? "1 (male)" : "2 (female)")}");
            }
            if (birth is not null && birth != id.BirthDate)
            {
                row.Fail("birth_date", $"is {birth:yyyy-MM-dd} but the citizen ID says {id.BirthDate:yyyy-MM-dd}");
            }
        }
        row.Text("name", required: true, maxLength: 50);
        // The household register (户籍) may still carry a code retired since the person registered
        // there, so a retired code is accepted whatever its date; an unknown one is not.
        row.KnownDivision("household_division", divisions);
        row.Code("household_nature", ["1", "2"], required: false);
    }

    private void ValidateCertificate(Row row)
    {
        var numberText = row.Raw("certificate_number");
        CertificateNumber? numberParsed = null;
        if (!CertificateNumber.TryParse(numberText, out var number, out var error))
        {
            row.Set("certificate_number", numberText);
            row.Fail("certificate_number", $"is not a certificate number: {error}");
        }
        else
        {
            row.Set("certificate_number", number.Value);
            numberParsed = number;
        }
        row.Person("citizen_id");
        var issued = row.Date("issue_date", required: true, today);
        var cancelled = row.Date("cancel_date", required: false, today);
        row.NotBefore("cancel_date", cancelled, "issue_date", issued);
        // A certificate issued in 2012 by 增城市 (440183, retired in 2014) keeps its issuer's code.
        // Dated by the issue: a certificate issued in 2012 by 增城市 (440183, retired in 2014) keeps its
        // issuer's code. Without an issue date (already reported) the code is checked for any date.
        row.KnownDivision("issuing_division", divisions, issued);
        // A canonical number routes by its first six digits: they must be the issuer the record
        // names, or a verifier granted that county would be answered another county's holder.
        if (numberParsed is { IsLegacy: false, IssuerCode: { } issuer } && row.Raw("issuing_division") is { Length: > 0 } issuing && issuing != issuer)
        {
            row.Fail("issuing_division", $"is {issuing}, but the certificate number's first six digits name the issuer {issuer}");
        }
        // …and a certificate is held by the node that covers its issuing county, where verification
        // routes it: one filed elsewhere would be answered, from a parent's copy, as if its issuer had.
        else
        {
            row.InsideJurisdiction("issuing_division", jurisdiction);
        }
    }

    private void ValidateEmployment(Row row)
    {
        row.Text("registration_id", required: true, maxLength: 40);
        row.Person("citizen_id");
        var form = row.Code("form", EmploymentForms, required: true);
        row.Credit("employer_credit_code", required: form is "unit" or "self");
        var start = row.Date("start_date", required: true, today);
        row.NotBefore("end_date", row.Date("end_date", required: false, today), "start_date", start);
    }

    private void ValidateUnemployment(Row row)
    {
        row.Text("registration_id", required: true, maxLength: 40);
        row.Person("citizen_id");
        row.Code("category", UnemployedCategories, required: true);
        var registered = row.Date("register_date", required: true, today);
        var cancelled = row.Date("cancel_date", required: false, today);
        row.NotBefore("cancel_date", cancelled, "register_date", registered);
        row.Reason("cancel_reason", ExitReasons.NormalizeUnemployment, required: cancelled is not null);
    }

    /// <summary>One row being validated: raw fields in, normalized values and errors out.</summary>
    private sealed class Row(Dataset dataset, SourceRecord record, List<(string Field, string Reason)> errors, string? receivedFrom, string bound)
    {
        public string[] Values { get; } = new string[dataset.Columns.Count];

        public string Raw(string field) => record.Fields.TryGetValue(field, out var value) ? value.Trim() : "";

        public void Set(string field, string value) => Values[dataset.IndexOf(field)] = value;

        public void Fail(string field, string reason) => errors.Add((field, reason));

        private bool Check(string field, string value, bool required)
        {
            if (value.AsSpan().IndexOfAny('\t', '\n', '\r') >= 0)
            {
                Fail(field, "contains a tab or line break");
                return false;
            }
            if (value.Length == 0 && required)
            {
                Fail(field, record.Fields.ContainsKey(field) ? "is required but empty" : "is required but the column is missing");
                return false;
            }
            return true;
        }

        public string? Text(string field, bool required, int maxLength)
        {
            var value = Raw(field);
            Set(field, value);
            if (!Check(field, value, required))
            {
                return null;
            }
            if (value.Length > maxLength)
            {
                Fail(field, $"is {value.Length} characters; at most {maxLength}");
                return null;
            }
            return value.Length == 0 ? null : value;
        }

        public string? Code(string field, IReadOnlyCollection<string> allowed, bool required)
        {
            var value = Raw(field);
            Set(field, value);
            if (!Check(field, value, required) || value.Length == 0)
            {
                return null;
            }
            if (!allowed.Contains(value))
            {
                Fail(field, $"is '{value}'; allowed: {string.Join(", ", allowed)}");
                return null;
            }
            return value;
        }

        /// <summary>An exit reason: stored as the standard code, whatever word the production system used for it.</summary>
        public void Reason(string field, ExitReasonNormalizer normalize, bool required)
        {
            var value = Raw(field);
            Set(field, value);
            if (!Check(field, value, required) || value.Length == 0)
            {
                return;
            }
            if (normalize(value, out var problem) is { } code)
            {
                Set(field, code);
            }
            else
            {
                Fail(field, problem!);
            }
        }

        public void Pattern(string field, string description, Func<string, bool> isValid)
        {
            var value = Raw(field);
            Set(field, value);
            if (Check(field, value, required: true) && !isValid(value))
            {
                Fail(field, $"is '{value}'; expected {description}");
            }
        }

        public DateOnly? Date(string field, bool required, DateOnly? today)
        {
            var value = Raw(field);
            Set(field, value);
            if (!Check(field, value, required) || value.Length == 0)
            {
                return null;
            }
            if (!DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                Fail(field, $"is '{value}'; expected a real date YYYY-MM-DD");
                return null;
            }
            if (today is { } limit && date > limit)
            {
                Fail(field, After(value, limit));
                return null;
            }
            return date;
        }

        // Import bounds dates by today; a parent bounds a child's records by their period (a feed change by today).
        private string After(string value, DateOnly limit) => receivedFrom is null
            ? $"is {value}, in the future (today is {limit:yyyy-MM-dd})"
            : After(value, limit.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), bound);

        public static string After(string value, string limit, string bound) =>
            $"is {value}, after {bound} {limit}; a record holds what had happened by then";

        public void NotBefore(string field, DateOnly? value, string otherField, DateOnly? other)
        {
            if (value is { } later && other is { } earlier && later < earlier)
            {
                Fail(field, $"is {later:yyyy-MM-dd}, before {otherField} {earlier:yyyy-MM-dd}");
            }
        }

        public CreditCode? Credit(string field, bool required)
        {
            var value = Raw(field);
            Set(field, value.ToUpperInvariant());
            if (!Check(field, value, required) || value.Length == 0)
            {
                return null;
            }
            if (!CreditCode.TryParse(value, out var code, out var error))
            {
                Fail(field, $"is not a valid GB 32100 unified social credit code: {error}");
                return null;
            }
            return code;
        }

        public void Industry(string field)
        {
            var value = Raw(field);
            Set(field, value);
            if (Check(field, value, required: true) && EnterpriseMonitoring.IndustryProblem(value) is { } problem)
            {
                Fail(field, problem);
            }
        }

        /// <summary>
        /// A month, YYYY-MM, not after <paramref name="today"/>'s month when given — or, with
        /// <paramref name="ended"/>, a month already over (a survey month's report is its state at the month's end).
        /// </summary>
        public string? Month(string field, bool required, DateOnly? today, bool ended = false)
        {
            var value = Raw(field);
            Set(field, value);
            if (!Check(field, value, required) || value.Length == 0)
            {
                return null;
            }
            if (!EnterpriseMonitoring.TryParseMonth(value, out _))
            {
                Fail(field, $"is '{value}'; expected a month YYYY-MM (from 1990)");
                return null;
            }
            if (today is { } limit && string.CompareOrdinal(value, limit.ToString("yyyy-MM", CultureInfo.InvariantCulture)) > 0)
            {
                Fail(field, After(value, limit));
                return null;
            }
            if (ended && today is { } now && string.CompareOrdinal(value, new Period(now).LastCompleteMonth) > 0)
            {
                Fail(field, receivedFrom is null
                    ? $"is {value}, a month not over yet (today is {now:yyyy-MM-dd}); a month is reported after its end"
                    : $"is {value}, a month not over by {bound} {now:yyyy-MM-dd}; a month is reported after its end");
                return null;
            }
            return value;
        }

        private const long MaxPeople = 10_000_000;

        /// <summary>A head count: a non-negative whole number.</summary>
        public long? Count(string field, bool required)
        {
            var value = Raw(field);
            Set(field, value);
            if (!Check(field, value, required) || value.Length == 0)
            {
                return null;
            }
            if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            {
                Fail(field, $"is '{value}'; expected a whole number of people, 0 or more");
                return null;
            }
            if (count > MaxPeople)
            {
                Fail(field, $"is {value}; at most {MaxPeople:N0} people (no enterprise employs more)");
                return null;
            }
            Set(field, count.ToString(CultureInfo.InvariantCulture));
            return count;
        }

        /// <summary>
        /// change = current − baseline and change % = change / baseline × 100, half away from zero to
        /// 2 decimals, empty when the baseline is 0: stored computed; a value supplied must agree
        /// (the change exactly, the % within 0.01).
        /// </summary>
        public void Change(long? baseline, long? current)
        {
            var suppliedChange = Raw("change");
            var suppliedPct = Raw("change_pct");
            if (baseline is not { } b || current is not { } c)
            {
                Set("change", suppliedChange);
                Set("change_pct", suppliedPct);
                return;
            }
            var change = c - b;
            var pct = EnterpriseMonitoringMath.Percent(change, b);
            Set("change", change.ToString(CultureInfo.InvariantCulture));
            Set("change_pct", pct?.ToString("0.00", CultureInfo.InvariantCulture) ?? "");
            if (suppliedChange.Length > 0 && (!long.TryParse(suppliedChange, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var given) || given != change))
            {
                Fail("change", $"is '{suppliedChange}', but current_count − baseline_count is {change}");
            }
            if (suppliedPct.Length > 0)
            {
                if (!decimal.TryParse(suppliedPct, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var givenPct))
                {
                    Fail("change_pct", $"is '{suppliedPct}'; expected a percentage such as -12.63");
                }
                else if (pct is not { } expected)
                {
                    Fail("change_pct", $"is '{suppliedPct}', but the baseline is 0, so there is no percentage");
                }
                else if (Math.Abs(givenPct - expected) > 0.01m)
                {
                    Fail("change_pct", $"is '{suppliedPct}', but the change is {expected:0.00} % of the baseline");
                }
            }
        }

        /// <summary>Up to three reason codes, ranked by position (reason_1 first), distinct, without gaps; only for a reduction.</summary>
        public void Reasons(bool reduction)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var gap = false;
            for (var rank = 1; rank <= 3; rank++)
            {
                var field = $"reason_{rank}";
                var value = Raw(field);
                Set(field, value);
                if (!Check(field, value, required: false))
                {
                    continue;
                }
                if (value.Length == 0)
                {
                    gap = true;
                    continue;
                }
                if (!reduction)
                {
                    Fail(field, $"is {value}, but the head count did not fall; reasons are given for a reduction");
                }
                else if (!EnterpriseMonitoring.ReductionReasons.ContainsKey(value))
                {
                    Fail(field, $"is '{value}'; allowed: the form's codes 01–11");
                }
                else if (!seen.Add(value))
                {
                    Fail(field, $"repeats reason {value}; each reason is ranked once");
                }
                else if (gap)
                {
                    Fail(field, $"is given while reason_{rank - 1} is empty; reasons are ranked from reason_1");
                }
            }
        }

        public void Amount(string field)
        {
            var value = Raw(field);
            Set(field, value);
            if (Check(field, value, required: true) &&
                (!decimal.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount) || amount < 0 || decimal.Round(amount, 2) != amount))
            {
                Fail(field, $"is '{value}'; expected a non-negative amount in yuan with at most 2 decimals");
            }
        }

        /// <summary>A citizen ID (whether the person is staged is checked on the writer's thread).</summary>
        public string? Person(string field)
        {
            var value = Raw(field);
            if (!Check(field, value, required: true))
            {
                Set(field, value);
                return null;
            }
            if (!CitizenId.TryParse(value, out var id, out var error))
            {
                Set(field, value);
                Fail(field, $"is not a valid GB 11643 citizen ID: {error}");
                return null;
            }
            Set(field, id.Value);
            return id.Value;
        }

        /// <summary>
        /// A GB/T 2260 code in the table: a current one, or a retired one when the record is dated
        /// (<paramref name="dated"/>) before the tables stopped listing it; null = any date.
        /// </summary>
        public void KnownDivision(string field, DivisionTable divisions, DateOnly? dated = null)
        {
            var value = Raw(field);
            Set(field, value);
            if (Check(field, value, required: true) && divisions.CheckDated(value, dated) is { } problem)
            {
                Fail(field, problem);
            }
        }

        public void HandlingDivision(Jurisdiction jurisdiction, DivisionTable divisions)
        {
            var value = Raw("handling_division");
            Set("handling_division", value);
            if (!Check("handling_division", value, required: true))
            {
                return;
            }
            if (divisions.Find(value) is null)
            {
                Fail("handling_division", $"is '{value}', not a GB/T 2260 division code");
            }
            else
            {
                InsideJurisdiction("handling_division", jurisdiction);
            }
        }

        /// <summary>A known division code (checked before) inside the jurisdiction: this node's at import, the sending child's at receipt.</summary>
        public void InsideJurisdiction(string field, Jurisdiction jurisdiction)
        {
            var value = Raw(field);
            if (value.Length > 0 && !errors.Exists(e => e.Field == field) && !jurisdiction.Contains(value))
            {
                Fail(field, receivedFrom is null
                    ? $"is {value}, outside this node's jurisdiction {jurisdiction.Code}"
                    : $"is {value}, outside the jurisdiction of {receivedFrom} ({jurisdiction.Code})");
            }
        }

        public void ValidFlag()
        {
            var value = Raw("valid");
            switch (value.ToLowerInvariant())
            {
                case "1" or "true":
                    Set("valid", "1");
                    break;
                case "0" or "false":
                    Set("valid", "0");
                    break;
                default:
                    Set("valid", value);
                    Fail("valid", value.Length == 0 ? "is required (1 valid, 0 invalid)" : $"is '{value}'; expected 1 (valid) or 0 (invalid)");
                    break;
            }
        }
    }
}

/// <summary>Maps a reason as exported to its standard code, or says why it is not allowed.</summary>
internal delegate string? ExitReasonNormalizer(string value, out string? problem);
