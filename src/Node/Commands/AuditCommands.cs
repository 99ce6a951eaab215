using System.CommandLine;
using Federation.Store.Security;

namespace Federation.Node.Commands;

/// <summary><c>audit verify</c>: walk the node's audit log's hash chain.</summary>
internal static class AuditCommands
{
    public static Command Create(Option<FileInfo> configOption)
    {
        var verify = new Command("verify", "Walk the audit log's hash chain: exit 0 when whole, 1 listing every edited, deleted, inserted or reordered entry.");
        verify.SetAction((parse, _) => CommandRunner.WithConfig(parse, configOption, VerifyAudit));
        return new Command("audit", "The node's audit log.") { verify };
    }

    /// <summary>Walks the audit chain; exit 0 when whole, 1 with every break listed.</summary>
    public static int VerifyAudit(NodeConfiguration config)
    {
        using var log = AuditLog.Open(config.SecurityPaths.DatabasePath);
        var problems = log.Verify();
        var head = log.Head();
        if (problems.Count == 0)
        {
            Console.WriteLine($"Audit log of {config.Node.Id} intact: {head.Seq} entries, head {head.Hash}.");
            return 0;
        }
        Console.Error.WriteLine($"Audit log of {config.Node.Id} is NOT intact ({head.Seq} entries):");
        foreach (var problem in problems)
        {
            Console.Error.WriteLine($"  entry {problem.Seq}: {problem.Kind} — {problem.Detail}");
        }
        return 1;
    }
}
