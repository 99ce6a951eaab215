using Federation.Client;
using Federation.Protocol.V1;
using Spectre.Console;

namespace Federation.Fedctl.Commands;

/// <summary><c>fedctl accounts …</c> (administrators) and <c>fedctl audit</c> (auditors): printing their answers.</summary>
internal static class AccountsCommand
{
    public static int Show(Output output, AccountInfo account)
    {
        if (output.Json)
        {
            Output.WriteJson(account);
            return ExitCodes.Ok;
        }
        var console = output.Console;
        console.MarkupLine($"[bold]{Markup.Escape(account.Id)}[/] — {Markup.Escape(account.DisplayName)}, {Markup.Escape(account.Post)}");
        console.MarkupLine($"  status: {Markup.Escape(account.Status)}{(account.StatusReason.Length > 0 ? $" ({Markup.Escape(account.StatusReason)})" : "")}; last used {account.LastUsedAt.ToDateTimeOffset():yyyy-MM-dd HH:mm} UTC");
        console.MarkupLine($"  certificate: {(account.CertificateSha256.Length > 0 ? "SHA-256 " + account.CertificateSha256[..16] + "…" : "none bound")}; API token: {(account.HasToken ? "yes" : "no")}");
        console.MarkupLine("  roles: " + (account.Grants.Count == 0 ? "none" : Markup.Escape(string.Join(", ", account.Grants.Select(g => $"{g.Role} over {g.Scope}")))));
        return ExitCodes.Ok;
    }

    public static int List(Output output, ListAccountsResponse accounts)
    {
        if (output.Json)
        {
            Output.WriteJson(accounts);
            return ExitCodes.Ok;
        }
        var table = new Table().Border(TableBorder.Rounded).AddColumn("Account").AddColumn("Name").AddColumn("Post").AddColumn("Status").AddColumn("Roles").AddColumn("Last used (UTC)");
        foreach (var account in accounts.Accounts)
        {
            table.AddRow(Markup.Escape(account.Id), Markup.Escape(account.DisplayName), Markup.Escape(account.Post), Markup.Escape(account.Status),
                Markup.Escape(string.Join(", ", account.Grants.Select(g => $"{g.Role}:{g.Scope}"))), account.LastUsedAt.ToDateTimeOffset().ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture));
        }
        output.Console.Write(table);
        return ExitCodes.Ok;
    }

    /// <summary>Parses <c>role[:scope]</c>.</summary>
    public static (string Role, string? Scope) ParseGrant(string text)
    {
        var parts = text.Split(':', 2);
        return parts[0].Length == 0 ? throw new ArgumentException($"--role '{text}' must be role[:scope], e.g. verifier:440100")
            : (parts[0], parts.Length == 2 ? parts[1] : null);
    }

    public static async Task<int> AuditAsync(FederationClient client, Output output, long after, int limit, string? account, string? subject, CancellationToken cancellationToken)
    {
        var audit = await client.ReadAuditAsync(after, limit, account, subject, cancellationToken);
        if (output.Json)
        {
            Output.WriteJson(audit);
            return ExitCodes.Ok;
        }
        var table = new Table().Border(TableBorder.Rounded).AddColumn("#").AddColumn("Time (UTC)").AddColumn("Caller").AddColumn("On behalf of")
            .AddColumn("Method").AddColumn("Subject").AddColumn("Outcome");
        foreach (var record in audit.Records)
        {
            table.AddRow(record.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture), record.At.ToDateTimeOffset().ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture),
                Markup.Escape(record.Principal), Markup.Escape(record.OnBehalfOf), Markup.Escape(record.Method), Markup.Escape(record.Subject), Markup.Escape(record.Outcome));
        }
        output.Console.Write(table);
        output.Console.MarkupLine($"{audit.Records.Count} entries shown; the log holds {audit.HeadSeq} (head {audit.HeadHash[..16]}…).");
        return ExitCodes.Ok;
    }

    public static async Task<int> VerifyAuditAsync(FederationClient client, Output output, CancellationToken cancellationToken)
    {
        var result = await client.VerifyAuditAsync(cancellationToken);
        if (output.Json)
        {
            Output.WriteJson(result);
        }
        else if (result.Intact)
        {
            output.Console.MarkupLine($"Audit log intact: {result.Entries} entries.");
        }
        else
        {
            output.Console.MarkupLine($"[red]Audit log NOT intact[/] ({result.Entries} entries):");
            foreach (var problem in result.Problems)
            {
                output.Console.MarkupLine("  " + Markup.Escape(problem));
            }
        }
        return result.Intact ? ExitCodes.Ok : ExitCodes.Negative;
    }

    public static async Task<int> AcknowledgeWitnessBreakAsync(FederationClient client, Output output, string childId, string reason, CancellationToken cancellationToken)
    {
        var acknowledged = await client.AcknowledgeWitnessBreakAsync(childId, reason, cancellationToken);
        if (output.Json)
        {
            Output.WriteJson(acknowledged);
            return ExitCodes.Ok;
        }
        output.Console.MarkupLine(Markup.Escape($"Acknowledged {acknowledged.ChildId}'s audit chain break ({acknowledged.Kind} at entry {acknowledged.Seq}, found "
            + $"{acknowledged.DetectedAt.ToDateTimeOffset():yyyy-MM-dd HH:mm:ss} UTC) as {acknowledged.AcknowledgedBy}; its next head is the new baseline."));
        return ExitCodes.Ok;
    }
}
