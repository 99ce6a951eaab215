using Federation.Standards;
using Federation.Store;

namespace Federation.Node.Ingest.Validation;

// The rules of import of employment and unemployment registrations.

/// <summary>就业登记: a person's employment registration; an employer's credit code for unit and self employment; its dates in order.</summary>
internal sealed class EmploymentRules() : DatasetRules(Dataset.Employment)
{
    private static readonly HashSet<string> Forms = ["unit", "self", "flexible"];

    public override void Check(RecordRow row)
    {
        row.OfPerson("registration_id");
        var form = row.Code("form", Forms, required: true);
        row.Credit("employer_credit_code", required: form is "unit" or "self");
        row.Span("start_date", "end_date");
    }
}

/// <summary>失业登记: a person's unemployment registration, its category, its dates in order and, once cancelled, the reason.</summary>
internal sealed class UnemploymentRules() : DatasetRules(Dataset.Unemployment)
{
    private static readonly HashSet<string> Categories = ["new_entrant", "employment_to_unemployment", "other"];

    public override void Check(RecordRow row)
    {
        row.OfPerson("registration_id");
        row.Code("category", Categories, required: true);
        var (_, cancelled) = row.Span("register_date", "cancel_date");
        row.Reason("cancel_reason", ExitReasons.NormalizeUnemployment, required: cancelled is not null);
    }

    // No unemployment registration that begins while the same person's employment registration is still open.
    public override void CheckAgainstStaged(string[] values, IStagingTransaction staging, List<(string Field, string Reason)> errors)
    {
        var dataset = Dataset;
        if (values[dataset.ValidColumn] == "1" && !HasError(errors, "register_date"))
        {
            var registered = values[dataset.IndexOf("register_date")];
            if (staging.EmploymentOpenOn(values[dataset.CitizenColumn], registered) is { } open)
            {
                errors.Add(("register_date", $"the person's employment registration {open} is still open on {registered}; end it before registering unemployment"));
            }
        }
    }
}
