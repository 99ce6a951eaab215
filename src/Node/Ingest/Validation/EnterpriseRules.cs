using Federation.Standards;
using Federation.Store;

namespace Federation.Node.Ingest.Validation;

// The rules of import of employers and the enterprise employment monitoring datasets.

/// <summary>用人单位: the credit code, the name, the GB/T 4754 industry and the division.</summary>
internal sealed class EmployerRules() : DatasetRules(Dataset.Employers)
{
    public override void Check(RecordRow row)
    {
        row.Credit("credit_code", required: true);
        row.Text("name", required: true, maxLength: 200);
        row.Pattern("industry", "GB/T 4754 section letter A–T and 2-digit division, e.g. C13", v => v.Length == 3 && v[0] is >= 'A' and <= 'T' && char.IsAsciiDigit(v[1]) && char.IsAsciiDigit(v[2]));
        row.KnownDivision("division", row.Divisions);
    }
}

/// <summary>监测企业: an enterprise of the city's sample (DOMAIN.md, "Our precise reading of enterprise monitoring").</summary>
internal sealed class EnterpriseRules() : DatasetRules(Dataset.Enterprises)
{
    public override void Check(RecordRow row)
    {
        if (row.Credit("credit_code", required: true) is { } code && row.Divisions.CheckDated(code.DivisionCode, null) is { } division)
        {
            row.Fail("credit_code", $"characters 3–8 must be a division code: {code.DivisionCode} {division}");
        }
        row.Text("name", required: true, maxLength: 200);
        row.KnownDivision("division", row.Divisions);
        row.Industry("industry");
        if (row.Code("size_class", EnterpriseMonitoring.SizeClasses, required: true) == "micro")
        {
            row.Fail("size_class", "is micro; micro enterprises are not sampled (人社部发〔2009〕152号)");
        }
        row.Code("ownership", [.. EnterpriseMonitoring.Ownership.Keys], required: true);
        var joined = row.Month("joined_month", required: true, row.Today);
        row.Count("baseline_count", required: true);
        var left = row.Month("left_month", required: false, row.Today);
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

    public override void CheckAgainstStaged(string[] values, IStagingTransaction staging, List<(string Field, string Reason)> errors)
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
}

/// <summary>企业用工月报: a monitored enterprise's monthly head-count report (DOMAIN.md, "Our precise reading of enterprise monitoring").</summary>
internal sealed class EnterpriseReportRules() : DatasetRules(Dataset.EnterpriseReports)
{
    public override void Check(RecordRow row)
    {
        var code = row.Credit("credit_code", required: true);
        var month = row.Month("survey_month", required: true, row.Today, ended: true);
        var id = row.Text("report_id", required: true, maxLength: 40);
        if (id is not null && code is { } c && month is not null && id != $"{c.Value}-{month}")
        {
            row.Fail("report_id", $"is '{id}'; a report's id is its credit code and survey month: {c.Value}-{month}");
        }
        row.Month("baseline_month", required: true, row.Today);
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

    public override void CheckAgainstStaged(string[] values, IStagingTransaction staging, List<(string Field, string Reason)> errors)
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
}
