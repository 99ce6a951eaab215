namespace Federation.Store.Security;

/// <summary>The newest head of a child's audit chain that a parent has proven to extend every head it witnessed before.</summary>
public sealed record WitnessedHead(string ChildId, long Seq, string Hash, DateTimeOffset WitnessedAt)
{
    public AuditHead Head => new(Seq, Hash);
}
