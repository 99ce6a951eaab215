namespace Federation.Store;

/// <summary>
/// One dataset of the national standard (proto/federation/v1/records.proto): its name, its
/// columns (the proto's field names, in field order) and its natural key (the first column).
/// This table is the one definition the store, import, sealing, the digest and the exchange read;
/// a test ties each entry to its records.proto message (DatasetColumnsTests), and its rules of
/// import are one class of Node/Ingest/Validation (docs/architecture.md, "Adding a dataset").
/// Every dataset has <c>handling_division</c> and <c>valid</c>; the worker datasets have
/// <c>citizen_id</c> (employers and the enterprise monitoring datasets do not).
/// </summary>
public sealed class Dataset
{
    private Dataset(string name, string chineseName, string message, string[] columns, int sinceVersion = 1)
    {
        SinceVersion = sinceVersion;
        Name = name;
        Message = message;
        ChineseName = chineseName;
        Columns = columns;
        ValidColumn = Array.IndexOf(columns, "valid");
        DivisionColumn = Array.IndexOf(columns, "handling_division");
        CitizenColumn = Array.IndexOf(columns, "citizen_id");
    }

    public string Name { get; }

    /// <summary>
    /// The records.proto message of one record (<c>federation.v1.</c> + this): the wire form of a
    /// record, and what <see cref="Columns"/> are checked against (DatasetColumnsTests) — the store
    /// cannot read the descriptor itself, it never references the protocol.
    /// </summary>
    public string Message { get; }

    /// <summary>
    /// The schema version that added the dataset. Datasets added after version 2 enter a snapshot's
    /// digest only when the snapshot holds records of them, so every period sealed before them keeps
    /// its digest (<see cref="SnapshotDigest"/>).
    /// </summary>
    public int SinceVersion { get; }

    /// <summary>Whether the digest names the dataset even when it has no records (the original datasets).</summary>
    public bool DigestedWhenEmpty => SinceVersion <= 2;
    public string ChineseName { get; }

    /// <summary>Column names; the first is the natural key.</summary>
    public IReadOnlyList<string> Columns { get; }

    public string KeyColumn => Columns[0];
    public int ValidColumn { get; }
    public int DivisionColumn { get; }

    /// <summary>Index of <c>citizen_id</c>, or -1 (employers).</summary>
    public int CitizenColumn { get; }

    public int IndexOf(string column) => Array.IndexOf((string[])Columns, column);

    public override string ToString() => Name;

    public static readonly Dataset Persons = new("persons", "个人基本信息", "Person",
        ["citizen_id", "name", "sex", "birth_date", "household_division", "household_nature", "handling_division", "valid"]);

    public static readonly Dataset Employers = new("employers", "用人单位", "Employer",
        ["credit_code", "name", "industry", "division", "handling_division", "valid"]);

    public static readonly Dataset Certificates = new("certificates", "就业失业登记证", "Certificate",
        ["certificate_number", "citizen_id", "issue_date", "issuing_division", "cancel_date", "handling_division", "valid"]);

    public static readonly Dataset Employment = new("employment", "就业登记", "EmploymentRegistration",
        ["registration_id", "citizen_id", "form", "employer_credit_code", "start_date", "end_date", "handling_division", "valid"]);

    public static readonly Dataset Unemployment = new("unemployment", "失业登记", "UnemploymentRegistration",
        ["registration_id", "citizen_id", "category", "register_date", "cancel_date", "cancel_reason", "handling_division", "valid"]);

    public static readonly Dataset Assistance = new("assistance", "就业援助对象认定", "AssistanceRecognition",
        ["recognition_id", "citizen_id", "difficulty_type", "recognized_date", "exit_date", "exit_reason", "handling_division", "valid"]);

    public static readonly Dataset Policies = new("policies", "享受就业扶持政策", "PolicyEnjoyment",
        ["enjoyment_id", "citizen_id", "policy_code", "start_date", "end_date", "amount", "handling_division", "valid"]);

    public static readonly Dataset Benefits = new("benefits", "享受失业保险待遇", "InsuranceBenefit",
        ["benefit_id", "citizen_id", "start_date", "end_date", "monthly_amount", "handling_division", "valid"]);

    /// <summary>A sample entry of enterprise employment monitoring (监测企业): one enterprise in this city's sample.</summary>
    public static readonly Dataset Enterprises = new("enterprises", "监测企业", "MonitoredEnterprise",
        ["credit_code", "name", "division", "industry", "size_class", "ownership", "joined_month", "baseline_count", "left_month", "leave_reason", "handling_division", "valid"],
        sinceVersion: 3);

    /// <summary>A monitored enterprise's monthly head-count report (企业用工月报).</summary>
    public static readonly Dataset EnterpriseReports = new("enterprise_reports", "企业用工月报", "EnterpriseReport",
        ["report_id", "credit_code", "survey_month", "baseline_month", "baseline_count", "current_count", "change", "change_pct",
         "reduction_type", "reason_1", "reason_2", "reason_3", "contracted", "hired", "separated", "handling_division", "valid"],
        sinceVersion: 3);

    /// <summary>All datasets in dependency order (a dataset only refers to earlier ones): the import order and the digest order.</summary>
    public static readonly IReadOnlyList<Dataset> All = [Persons, Employers, Certificates, Employment, Unemployment, Assistance, Policies, Benefits, Enterprises, EnterpriseReports];

    /// <summary>The datasets a store of schema <paramref name="version"/> has (a migration works on those).</summary>
    public static IReadOnlyList<Dataset> UpTo(int version) => [.. All.Where(d => d.SinceVersion <= version)];

    public static Dataset? Find(string name) => All.FirstOrDefault(d => d.Name == name);
}
