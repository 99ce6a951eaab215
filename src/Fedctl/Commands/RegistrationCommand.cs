using Federation.Client;
using Federation.Protocol.V1;
using Spectre.Console;

namespace Federation.Fedctl.Commands;

/// <summary><c>fedctl registration …</c>: the unemployment registration service (docs/registration.md).</summary>
internal static class RegistrationCommand
{
    public static async Task<int> ApplicationsAsync(FederationClient client, Output output, ListApplicationsRequest request, CancellationToken cancellationToken)
    {
        var response = await client.ListApplicationsAsync(request, cancellationToken);
        if (output.Json)
        {
            Output.WriteJson(response);
            return ExitCodes.Ok;
        }
        var backlog = new Table().Border(TableBorder.Rounded).AddColumn("City").AddColumn(new TableColumn("Waiting").RightAligned())
            .AddColumn(new TableColumn("Decision overdue").RightAligned()).AddColumn(new TableColumn("Contact overdue").RightAligned());
        foreach (var city in response.Cities)
        {
            backlog.AddRow(city.CityDivision, N(city.Pending), Overdue(city.DecisionOverdue), Overdue(city.ContactOverdue));
        }
        output.Console.Write(backlog);
        if (response.Applications.Count == 0)
        {
            output.Console.MarkupLine("[grey]No application matches.[/]");
            return ExitCodes.Ok;
        }
        var table = new Table().Border(TableBorder.Rounded).AddColumn("Application").AddColumn("Person").AddColumn("Place").AddColumn("Received")
            .AddColumn("Status").AddColumn("Decision due").AddColumn("Contact due").AddColumn("Registration");
        foreach (var a in response.Applications)
        {
            table.AddRow(a.ApplicationId, Markup.Escape($"{a.Name} {Federation.Standards.CitizenId.Mask(a.CitizenId)}"), Markup.Escape($"{a.PlaceType} {a.PlaceDivision}"),
                a.ReceivedOn, Markup.Escape(a.Status + (a.RefusalReason.Length > 0 ? $": {a.RefusalReason}" : "") + (a.DecidedOn.Length > 0 ? $" ({a.DecidedOn})" : "")),
                a.DecisionOverdue ? $"[red]{a.DecisionDue} OVERDUE[/]" : a.DecisionDue,
                a.ContactOverdue ? $"[red]{a.ContactDue} OVERDUE[/]" : a.ContactedOn.Length > 0 ? $"contacted {a.ContactedOn}" : a.ContactDue,
                a.RegistrationId);
        }
        output.Console.Write(table);
        return ExitCodes.Ok;
    }

    public static async Task<int> SubmitAsync(FederationClient client, Output output, SubmitApplicationRequest request, CancellationToken cancellationToken)
    {
        var response = await client.SubmitApplicationAsync(request, cancellationToken);
        if (output.Json)
        {
            Output.WriteJson(response);
            return ExitCodes.Ok;
        }
        var a = response.Application;
        output.Console.MarkupLine(Markup.Escape(response.Duplicate
            ? $"Already submitted as {a.ApplicationId} ({a.Status})."
            : $"Application {a.ApplicationId} for city {a.CityDivision}, received {a.ReceivedOn}: {a.Status}{(a.RefusalReason.Length > 0 ? " — " + a.RefusalReason : $", decision due by {a.DecisionDue}")}."));
        return a.Status == "refused" ? ExitCodes.Negative : ExitCodes.Ok;
    }

    public static async Task<int> ApplicationAsync(Output output, Task<ApplicationResponse> call)
    {
        var a = (await call).Application;
        if (output.Json)
        {
            Output.WriteJson(a);
            return ExitCodes.Ok;
        }
        output.Console.MarkupLine(Markup.Escape($"Application {a.ApplicationId}: {a.Status}" + a.Status switch
        {
            "accepted" => $" on {a.DecidedOn}, registration {a.RegistrationId}; " + (a.ContactedOn.Length > 0 ? $"worker contacted {a.ContactedOn}." : $"contact the worker by {a.ContactDue}."),
            "refused" => $" on {a.DecidedOn} — {a.RefusalReason}.",
            _ => $", decision due by {a.DecisionDue}.",
        }));
        return ExitCodes.Ok;
    }

    public static async Task<int> RegistrationAsync(Output output, Task<RegistrationResponse> call)
    {
        var response = await call;
        if (output.Json)
        {
            Output.WriteJson(response);
            return ExitCodes.Ok;
        }
        var r = response.Registration;
        output.Console.MarkupLine(Markup.Escape($"Registration {r.RegistrationId} from {r.RegisterDate}" +
            (r.CancelDate.Length > 0 ? $", cancelled {r.CancelDate} ({r.CancelReason})" : ", valid") + $"; sources {r.Sources}" +
            (response.Merged ? " — the person's registration in this city already existed: one registration (R-18)." : ".")));
        return ExitCodes.Ok;
    }

    public static async Task<int> CheckAsync(FederationClient client, Output output, string? period, CancellationToken cancellationToken)
    {
        var check = await client.CheckFeedAsync(period, cancellationToken);
        if (output.Json)
        {
            Output.WriteJson(check);
        }
        else if (check.Agree)
        {
            output.Console.MarkupLine(Markup.Escape($"The feed agrees with period {check.Period}: {check.Registrations:N0} registration(s), digest {check.FeedDigest}."));
        }
        else
        {
            output.Console.MarkupLine($"[red]The feed DISAGREES with period {Markup.Escape(check.Period)}[/] ({check.Registrations:N0} registration(s) compared):");
            foreach (var difference in check.Differences)
            {
                output.Console.MarkupLine("  " + Markup.Escape(difference));
            }
        }
        return check.Agree ? ExitCodes.Ok : ExitCodes.Negative;
    }

    private static string N(long value) => value.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);

    private static string Overdue(long value) => value > 0 ? $"[red]{N(value)}[/]" : "0";
}
