using Federation.Standards;
using Federation.Store;

namespace Federation.Node.Ingest.Validation;

// The rules of import of assistance, policies and benefits a person receives.

/// <summary>就业援助对象认定: a recognition of a person, its dates in order and, with an exit, the exit's reason.</summary>
internal sealed class AssistanceRules() : DatasetRules(Dataset.Assistance)
{
    public override void Check(RecordRow row)
    {
        row.OfPerson("recognition_id");
        row.Text("difficulty_type", required: true, maxLength: 40);
        var (_, exit) = row.Span("recognized_date", "exit_date");
        row.Reason("exit_reason", ExitReasons.NormalizeAssistance, required: exit is not null);
    }
}

/// <summary>享受就业扶持政策: a person's enjoyment of a policy, its dates in order, the amount.</summary>
internal sealed class PolicyRules() : DatasetRules(Dataset.Policies)
{
    public override void Check(RecordRow row)
    {
        row.OfPerson("enjoyment_id");
        row.Text("policy_code", required: true, maxLength: 40);
        row.Span("start_date", "end_date", endMayBeLater: true);
        row.Amount("amount");
    }
}

/// <summary>享受失业保险待遇: a person's unemployment insurance benefit, its dates in order, the monthly amount.</summary>
internal sealed class BenefitRules() : DatasetRules(Dataset.Benefits)
{
    public override void Check(RecordRow row)
    {
        row.OfPerson("benefit_id");
        row.Span("start_date", "end_date", endMayBeLater: true);
        row.Amount("monthly_amount");
    }
}
