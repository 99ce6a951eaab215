namespace Federation.Store.Security;

/// <summary>What checking a child's update against the witnessed head found.</summary>
/// <param name="Head">The newest head now proven to extend the witnessed one (the witnessed head itself when nothing new came).</param>
/// <param name="Break">Set when the child's chain no longer extends the witnessed head: kind, first entry concerned, what.</param>
public sealed record ChainCheck(AuditHead Head, AuditProblem? Break);
