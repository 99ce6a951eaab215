using System.Globalization;
using Federation.Standards;
using Federation.Store;

namespace Federation.Node.Ingest.Validation;

/// <summary>
/// What a row is checked against: the jurisdiction and the division table, the latest day a date
/// may be, and — for a record a child sent — the child (<paramref name="ReceivedFrom"/>) and what
/// the day is (<paramref name="Bound"/>: "the period", or "today" for a registration-feed change).
/// </summary>
internal sealed record RowScope(Jurisdiction Jurisdiction, DivisionTable Divisions, DateOnly Today, string? ReceivedFrom, string Bound);

/// <summary>
/// One row being validated: raw fields in, normalised values and errors out. Its methods are the
/// field rules every dataset shares (required, text, code, date, month, count, amount, credit
/// code, citizen ID, division, jurisdiction, valid flag): a dataset's rules (<see cref="DatasetRules"/>)
/// are a list of these calls plus what only that dataset checks.
/// </summary>
internal sealed class RecordRow(Dataset dataset, SourceRecord record, List<(string Field, string Reason)> errors, RowScope scope)
{
    public string[] Values { get; } = new string[dataset.Columns.Count];

    /// <summary>The latest day a date may be: today at import, the period's date for a child's records.</summary>
    public DateOnly Today => scope.Today;

    /// <summary>This node's jurisdiction at import; the sending child's at receipt.</summary>
    public Jurisdiction Jurisdiction => scope.Jurisdiction;

    public DivisionTable Divisions => scope.Divisions;

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
    private string After(string value, DateOnly limit) => scope.ReceivedFrom is null
        ? $"is {value}, in the future (today is {limit:yyyy-MM-dd})"
        : After(value, limit.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), scope.Bound);

    public static string After(string value, string limit, string bound) =>
        $"is {value}, after {bound} {limit}; a record holds what had happened by then";

    /// <summary>
    /// A span of dates: the start required, the end optional, neither after <see cref="Today"/> —
    /// the end may be, with <paramref name="endMayBeLater"/> (a benefit or policy granted until a
    /// date) — and the end not before the start.
    /// </summary>
    public (DateOnly? Start, DateOnly? End) Span(string startField, string endField, bool endMayBeLater = false)
    {
        var start = Date(startField, required: true, Today);
        var end = Date(endField, required: false, endMayBeLater ? null : Today);
        NotBefore(endField, end, startField, start);
        return (start, end);
    }

    /// <summary>The id of a record about a person (text, at most 40 characters) and the person's citizen ID.</summary>
    public void OfPerson(string idField)
    {
        Text(idField, required: true, maxLength: 40);
        Person("citizen_id");
    }

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
            Fail(field, scope.ReceivedFrom is null
                ? $"is {value}, a month not over yet (today is {now:yyyy-MM-dd}); a month is reported after its end"
                : $"is {value}, a month not over by {scope.Bound} {now:yyyy-MM-dd}; a month is reported after its end");
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
            Fail(field, scope.ReceivedFrom is null
                ? $"is {value}, outside this node's jurisdiction {jurisdiction.Code}"
                : $"is {value}, outside the jurisdiction of {scope.ReceivedFrom} ({jurisdiction.Code})");
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
