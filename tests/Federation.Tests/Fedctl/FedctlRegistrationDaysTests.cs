using Federation.Protocol.V1;
using Federation.Standards;
using Federation.Tests.Exchange;
using Xunit;

namespace Federation.Tests.Fedctl;

/// <summary>
/// fedctl's registration verbs carry the office's day (<c>--date</c>): a backlog entered late with
/// fedctl keeps its real days on a real tree (ministry ← province ← 广州, each its own process) —
/// received, decided, contacted, registered and exited on the days given, the deadlines run from
/// them, the days reach the ministry — a day in the future is refused naming the field, and an exit
/// entered twice is answered as recorded (docs/registration.md).
/// </summary>
public sealed class FedctlRegistrationDaysTests
{
    // A busy shared machine answers slowly: each call gets two minutes, not fedctl's default 30 s.
    private static Task<(int ExitCode, string Output)> RunAsync(Federation.Testing.NodeProcess node, params string[] arguments) =>
        FedctlProcess.RunAsync(node, [.. arguments, "--timeout", "120"]);

    [Fact]
    public async Task TheRegistrationVerbs_SendTheOfficesDay_AndABacklogKeepsItsDays()
    {
        await using var tree = await RegistrationTree.StartAsync("440100");
        var (ministry, guangzhou) = (tree.Ministry, tree.City("440100"));
        var today = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8));
        string Day(int daysAgo) => today.AddDays(-daysAgo).ToString("yyyy-MM-dd");
        var worker = RegistrationTree.Citizen("440106", "19900101", "123");

        // Received by the platform three days ago: the decision deadline runs from that day.
        var (submitExit, submitted) = await RunAsync(ministry, "registration", "submit", "--citizen-id", worker, "--name", "陈晓明",
            "--place-type", "residence", "--place", "440106", "--category", "other", "--reference", "FD-1", "--date", Day(3));
        Assert.True(submitExit == 0, submitted);
        Assert.Contains($"received {Day(3)}: pending, decision due by {WorkingCalendar.WeekdaysOnly.Deadline(today.AddDays(-3), 3):yyyy-MM-dd}.", submitted, StringComparison.Ordinal);
        var applicationId = System.Text.RegularExpressions.Regex.Match(submitted, @"Application (A\d{16})").Groups[1].Value;
        using (var office = Tree.Client(guangzhou))
        {
            await RegistrationTree.EventuallyAsync(async () => (await office.ListApplicationsAsync(new ListApplicationsRequest())).Applications.SingleOrDefault(),
                "the application reaches Guangzhou");
        }

        // A day in the future is refused, naming the field; nothing is recorded.
        var (futureExit, future) = await RunAsync(guangzhou, "registration", "decide", applicationId, "--accept", "--date", today.AddDays(1).ToString("yyyy-MM-dd"));
        Assert.Equal(1, futureExit);
        Assert.Contains("decided_on", future, StringComparison.Ordinal);

        // Decided two days ago (the registration starts then; contact due 5 working days after), contacted yesterday.
        var (decideExit, decided) = await RunAsync(guangzhou, "registration", "decide", applicationId, "--accept", "--date", Day(2));
        Assert.True(decideExit == 0, decided);
        Assert.Contains($"accepted on {Day(2)}, registration WS{applicationId[1..]}; contact the worker by {WorkingCalendar.WeekdaysOnly.Deadline(today.AddDays(-2), 5):yyyy-MM-dd}.",
            decided, StringComparison.Ordinal);
        var (contactExit, contacted) = await RunAsync(guangzhou, "registration", "contact", applicationId, "--date", Day(1));
        Assert.True(contactExit == 0, contacted);
        Assert.Contains($"worker contacted {Day(1)}.", contacted, StringComparison.Ordinal);

        // A local registration of three days ago, left for a job yesterday; the exit entered twice (a
        // retry) is answered as recorded, and one with another day is refused with why.
        var local = RegistrationTree.Citizen("440103", "19850505", "222");
        var (registerExit, registered) = await RunAsync(guangzhou, "registration", "register", "GZ-L-1", "--citizen-id", local,
            "--category", "other", "--division", "440103", "--date", Day(3));
        Assert.True(registerExit == 0, registered);
        Assert.Contains($"Registration GZ-L-1 from {Day(3)}, valid", registered, StringComparison.Ordinal);
        foreach (var attempt in new[] { "first", "retry" })
        {
            var (exitExit, exited) = await RunAsync(guangzhou, "registration", "exit", "GZ-L-1", "--reason", "被用人单位录用", "--date", Day(1));
            Assert.True(exitExit == 0, $"{attempt}: {exited}");
            Assert.Contains($"Registration GZ-L-1 from {Day(3)}, cancelled {Day(1)} (employed)", exited, StringComparison.Ordinal);
        }
        var (otherExit, other) = await RunAsync(guangzhou, "registration", "exit", "GZ-L-1", "--reason", "被用人单位录用", "--date", Day(0));
        Assert.Equal(1, otherExit);
        Assert.Contains($"was already cancelled on {Day(1)} (employed)", other, StringComparison.Ordinal);

        // The days travelled up with the changes: the ministry has them, each change once.
        using var national = Tree.Client(ministry);
        var atMinistry = await RegistrationTree.EventuallyAsync(async () => (await national.ListApplicationsAsync(new ListApplicationsRequest { Status = "accepted" }))
            .Applications.SingleOrDefault(a => a.ContactedOn.Length > 0), "the contact reaches the ministry");
        Assert.Equal((Day(3), Day(2), Day(1), false), (atMinistry.ReceivedOn, atMinistry.DecidedOn, atMinistry.ContactedOn, atMinistry.ContactOverdue));
        using var city = Tree.Client(guangzhou);
        Assert.Equal(4, (await city.GetNodeStatusAsync()).Registration.FeedHead); // the decision, the contact, the registration, its exit
        await RegistrationTree.EventuallyAsync(async () => (await national.GetNodeStatusAsync()).Registration.Links.Single().ChangesCursor == 4 ? true : (bool?)null,
            "the city's four changes reach the ministry");
        // Valid today: the online registration only (the local one ended yesterday).
        Assert.Equal(1, (await national.GetNodeStatusAsync()).Registration.ValidToday["city-440100"]);
    }
}
