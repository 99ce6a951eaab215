using Federation.Client;
using Spectre.Console;

namespace Federation.Fedctl.Commands;

/// <summary><c>fedctl status</c>: the node's identity and health.</summary>
internal static class StatusCommand
{
    public static async Task<int> RunAsync(FederationClient client, Output output, CancellationToken cancellationToken)
    {
        var status = await client.GetNodeStatusAsync(cancellationToken);
        var health = await client.CheckHealthAsync(cancellationToken);
        if (output.Json)
        {
            Output.WriteJson(new
            {
                node = Output.ToJsonElement(status),
                health = health.ToString().ToUpperInvariant(),
            });
            return ExitCodes.Ok;
        }
        var table = new Table().Border(TableBorder.Rounded).HideHeaders().AddColumn("").AddColumn("");
        table.AddRow("Node", Markup.Escape(status.NodeId));
        table.AddRow("Level", Markup.Escape(status.Level.ToString().ToLowerInvariant()));
        table.AddRow("Division", Markup.Escape($"{status.DivisionCode} {status.DivisionName}"));
        table.AddRow("Health", health == Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving ? "[green]SERVING[/]" : $"[red]{health.ToString().ToUpperInvariant()}[/]");
        table.AddRow("Version", Markup.Escape(status.Version));
        table.AddRow("Started", status.StartedAt.ToDateTimeOffset().ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss zzz", System.Globalization.CultureInfo.InvariantCulture));
        table.AddRow("Uptime", FormatUptime(status.Uptime.ToTimeSpan()));
        table.AddRow("Listening", Markup.Escape(string.Join(", ", status.ListenAddresses)));
        if (status.LatestSealed is { Period.Length: > 0 } latest)
        {
            table.AddRow("Sealed", Markup.Escape($"period {latest.Period}, {latest.Records:N0} records, digest {latest.Digest}"));
            foreach (var source in latest.MergedFrom)
            {
                table.AddRow("  merged from", Markup.Escape($"{source.ChildId} period {source.Period}, digest {source.Digest}"));
            }
        }
        if (status.Registration is { } registration)
        {
            table.AddRow("Registration", Markup.Escape($"feed at {registration.FeedHead:N0}; valid today: " +
                (registration.ValidToday.Count == 0 ? "none" : string.Join(", ", registration.ValidToday.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value:N0}")))));
            foreach (var city in registration.Backlog.Where(c => c.Pending + c.DecisionOverdue + c.ContactOverdue > 0))
            {
                var overdue = city.DecisionOverdue + city.ContactOverdue;
                table.AddRow("  applications", (overdue > 0 ? "[red]" : "") + Markup.Escape($"city {city.CityDivision}: {city.Pending:N0} waiting, {city.DecisionOverdue:N0} decision overdue, {city.ContactOverdue:N0} contact overdue")
                    + (overdue > 0 ? "[/]" : ""));
            }
            foreach (var link in registration.Links)
            {
                var up = link.ApplicationsConnected && link.ChangesConnected;
                table.AddRow("  link", (up ? "" : "[yellow]") + Markup.Escape($"{link.ChildId}: {(up ? "connected" : "NOT CONNECTED")}, feed cursor {link.ChangesCursor:N0}"
                    + (link.LastError.Length > 0 ? $"; last error {link.LastErrorAt.ToDateTimeOffset().ToLocalTime():yyyy-MM-dd HH:mm:ss}: {link.LastError}" : "")) + (up ? "" : "[/]"));
            }
            if (status.Level != Federation.Protocol.V1.NodeLevel.Ministry)
            {
                table.AddRow("  parent", registration.ParentConnected
                    ? Markup.Escape($"connected; index: {registration.IndexPeople:N0} registered in other cities")
                    : $"[yellow]NOT CONNECTED: local registrations are accepted provisionally (R-18); index as of the last contact, {registration.IndexPeople:N0} registered in other cities[/]");
            }
            foreach (var flagged in registration.DoubleRegistrations)
            {
                table.AddRow("  registered twice", "[red]" + Markup.Escape($"{string.Join(", ", flagged.Registrations)} (cities {string.Join(", ", flagged.CityDivisions)}): one person, R-18") + "[/]");
            }
            if (registration.FeedCheck is { } check)
            {
                table.AddRow("  feed check", check.Agree
                    ? Markup.Escape($"agrees with period {check.Period} ({check.Registrations:N0} registrations)")
                    : $"[red]DISAGREES with period {Markup.Escape(check.Period)}: {Markup.Escape(string.Join("; ", check.Differences.Take(3)))}[/]");
            }
        }
        output.Console.Write(table);
        if (status.Children.Count > 0)
        {
            var tree = new Tree(Markup.Escape($"{status.NodeId} ({status.DivisionCode} {status.DivisionName})"));
            foreach (var child in status.Children)
            {
                var line = Markup.Escape($"{child.NodeId}  {child.DivisionCode} {child.DivisionName}  {child.Address}");
                var state = child.NeverPulled
                    ? "[yellow]never pulled[/]"
                    : Markup.Escape($"period {child.Period}, {child.Records:N0} records, last pull {child.LastSuccessAt.ToDateTimeOffset().ToLocalTime():yyyy-MM-dd HH:mm}, lag {FormatUptime(child.Lag.ToTimeSpan())}");
                if (child.Late)
                {
                    state += $" [yellow]LATE: period {Markup.Escape(child.ExpectedPeriod)} was due[/]";
                }
                if (child.MonitoringExpectedMonth.Length > 0)
                {
                    var received = child.MonitoringReceivedMonth.Length > 0 ? $"up to {child.MonitoringReceivedMonth}" : "none";
                    state += child.MonitoringLate
                        ? $" [yellow]enterprise reports {Markup.Escape(received)}, LATE: {Markup.Escape(child.MonitoringExpectedMonth)} was due[/]"
                        : Markup.Escape($", enterprise reports up to {child.MonitoringReceivedMonth}");
                }
                if (child.Stale)
                {
                    state += $" [red]STALE: {Markup.Escape(child.LastError)}[/]";
                }
                var node = tree.AddNode($"{line}  {state}");
                if (child.AuditWitness is { } witness)
                {
                    node.AddNode(witness.Break is { } broken
                        ? $"[red]AUDIT CHAIN BROKEN ({Markup.Escape(broken.Kind)} at entry {broken.Seq}, found {broken.DetectedAt.ToDateTimeOffset().ToLocalTime():yyyy-MM-dd HH:mm:ss}): "
                            + $"{Markup.Escape(broken.Problem)}; witnessed good up to entry {witness.WitnessedSeq:N0}. Acknowledge: fedctl audit acknowledge {Markup.Escape(child.NodeId)} --reason …[/]"
                        : Markup.Escape($"audit witnessed up to entry {witness.WitnessedSeq:N0}, {(witness.Connected ? "live" : "NOT CONNECTED" + (witness.LastError.Length > 0 ? $": {witness.LastError}" : ""))}"));
                }
            }
            output.Console.Write(tree);
        }
        return ExitCodes.Ok;
    }

    private static string FormatUptime(TimeSpan uptime) =>
        uptime.TotalDays >= 1 ? $"{(int)uptime.TotalDays}d {uptime.Hours}h {uptime.Minutes}m" : uptime.TotalHours >= 1 ? $"{uptime.Hours}h {uptime.Minutes}m" : $"{uptime.Minutes}m {uptime.Seconds}s";
}
