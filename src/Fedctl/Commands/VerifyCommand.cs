using Federation.Client;
using Federation.Protocol.V1;
using Spectre.Console;

namespace Federation.Fedctl.Commands;

/// <summary>
/// <c>fedctl verify cert|person</c> and <c>fedctl check</c>: a holder's status as a card with the
/// answer's provenance; the public check as one word. Exit 1 when the answer is negative (not
/// found, certificate not in force, not genuine).
/// </summary>
internal static class VerifyCommand
{
    public static async Task<int> CertificateAsync(FederationClient client, Output output, string number, CancellationToken cancellationToken)
    {
        var answer = await client.VerifyCertificateAsync(number, cancellationToken);
        var inForce = answer.Found && answer.Holder.Certificates.Any(c => string.Equals(c.Certificate.CertificateNumber, Federation.Standards.TypedNumber.Fold(number), StringComparison.OrdinalIgnoreCase) && c.State == CertificateState.Valid);
        Write(output, answer, $"certificate {number}");
        return inForce ? ExitCodes.Ok : ExitCodes.Negative;
    }

    public static async Task<int> PersonAsync(FederationClient client, Output output, string citizenId, CancellationToken cancellationToken)
    {
        var answer = await client.VerifyPersonAsync(citizenId, cancellationToken);
        Write(output, answer, $"citizen ID {citizenId}");
        return answer.Found ? ExitCodes.Ok : ExitCodes.Negative;
    }

    public static async Task<int> PublicCheckAsync(FederationClient client, Output output, string number, string name, CancellationToken cancellationToken)
    {
        var answer = await client.PublicCheckAsync(number, name, cancellationToken);
        if (output.Json)
        {
            Output.WriteJson(answer);
        }
        else
        {
            output.Console.MarkupLine(answer.Genuine
                ? $"[green bold]GENUINE[/] — certificate {Markup.Escape(number)} is in force and held by {Markup.Escape(name)}{Stale(answer.Freshness)}"
                : $"[red bold]NOT GENUINE[/] — no certificate {Markup.Escape(number)} in force held by {Markup.Escape(name)}{Stale(answer.Freshness)}");
        }
        return answer.Genuine ? ExitCodes.Ok : ExitCodes.Negative;
    }

    private static string Stale(Freshness freshness) => freshness == Freshness.Cached ? " [yellow](from a cached snapshot: the owning node did not answer)[/]" : "";

    private static void Write(Output output, VerifyResponse answer, string subject)
    {
        if (output.Json)
        {
            Output.WriteJson(answer);
            return;
        }
        var console = output.Console;
        if (!answer.Found)
        {
            console.MarkupLine($"[red bold]NOT FOUND[/] — no records of {Markup.Escape(subject)}");
        }
        else
        {
            var holder = answer.Holder;
            var card = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
            card.AddRow("Holder", Markup.Escape($"{holder.Person?.Name} {holder.Person?.CitizenId}"));
            card.AddRow("Status on", holder.AsOf);
            card.AddRow("Employment", holder.EmploymentState switch
            {
                EmploymentState.Employed => "[green]employed[/]",
                EmploymentState.Unemployed => "[yellow]registered unemployed[/]",
                EmploymentState.Conflicting => "[red]registered employed and unemployed at once (see findings)[/]",
                _ => "not registered",
            });
            card.AddRow("Assistance target", holder.AssistanceTarget ? "[yellow]yes[/] " + Markup.Escape(string.Join(", ", holder.Assistance.Select(a => a.DifficultyType))) : "no");
            foreach (var certificate in holder.Certificates)
            {
                var state = certificate.State switch
                {
                    CertificateState.Valid => "[green]valid[/]",
                    CertificateState.Cancelled => $"[red]cancelled {Markup.Escape(certificate.Certificate.CancelDate)}[/]",
                    _ => "[red]invalidated[/]",
                };
                card.AddRow("Certificate", $"{Markup.Escape(certificate.Certificate.CertificateNumber)} {state}, issued {Markup.Escape(certificate.Certificate.IssueDate)} at {Markup.Escape(certificate.Origin)}");
            }
            foreach (var e in holder.Employment)
            {
                card.AddRow("Employed", Markup.Escape($"{e.Form} since {e.StartDate}{(e.EmployerCreditCode.Length > 0 ? " at " + e.EmployerCreditCode : "")} ({e.HandlingDivision})"));
            }
            foreach (var u in holder.Unemployment)
            {
                card.AddRow("Unemployed", Markup.Escape($"{u.Category} since {u.RegisterDate} ({u.HandlingDivision})"));
            }
            foreach (var p in holder.PoliciesInForce)
            {
                card.AddRow("Policy", Markup.Escape($"{p.PolicyCode} since {p.StartDate}, {p.Amount} yuan"));
            }
            foreach (var b in holder.BenefitsInForce)
            {
                card.AddRow("UI benefit", Markup.Escape($"since {b.StartDate}, {b.MonthlyAmount} yuan/month"));
            }
            console.Write(new Panel(card).Header(Markup.Escape(subject)).Border(BoxBorder.Rounded));
        }
        foreach (var source in answer.Provenance.Sources)
        {
            var freshness = source.Freshness == Freshness.Live ? "[green]live[/]" : $"[yellow]cached from period {Markup.Escape(source.CachedPeriod)}[/] — {Markup.Escape(source.Reason)}";
            console.MarkupLine($"Answered by {Markup.Escape(answer.Provenance.AnsweringNode)}: {Markup.Escape(string.Join(" → ", source.Route))} ({source.Hops} hops), {freshness}");
        }
        foreach (var child in answer.Provenance.Unanswered)
        {
            console.MarkupLine($"[yellow]Incomplete:[/] {Markup.Escape(child)}");
        }
    }
}
