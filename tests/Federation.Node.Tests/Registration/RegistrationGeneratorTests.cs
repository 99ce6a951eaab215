using Federation.DataGen;
using Federation.Standards;
using Federation.Testing;
using Xunit;

namespace Federation.Node.Tests.Registration;

/// <summary>
/// The registration traffic generator's cases of issue 21 (docs/registration.md, "Generated traffic
/// and the demo"): a backlog with its real days inside the service's bounds, exits delivered twice
/// identically, people registering locally in a second city, and 东莞 (441900) as its own county.
/// </summary>
public sealed class RegistrationGeneratorTests
{
    private static readonly DateOnly Today = new(2026, 12, 7);

    private static RegistrationTrafficOptions Options() => new()
    {
        CityCode = "440100", Applications = 10, LocalRegistrations = 10, Exits = 2, ForbiddenExits = 1, AlsoLocal = 2, Seed = 5,
        Backlog = 4, BacklogDays = 3, Today = Today, Retries = 3, CrossCity = 2, SecondCityCode = "440300",
    };

    [Fact]
    public void TheBacklog_CarriesItsRealDays_WithinTheServicesBounds()
    {
        var traffic = RegistrationGenerator.Generate(Options());

        var dated = traffic.Where(e => e.Day.Length > 0).ToList();
        // Two online (received, decided, contacted) and two local (registered, exited); the third
        // retry is of the first backlog exit, with its day.
        Assert.Equal(["application", "decision", "contact", "local", "exit", "application", "decision", "contact", "local", "exit", "exit_retry"], dated.Select(e => e.Kind));
        Assert.All(dated, e => Assert.InRange(DateOnly.ParseExact(e.Day, "yyyy-MM-dd"), Today.AddDays(-3), Today));
        // Each event on or after the one it follows: decision ≥ receipt, contact ≥ decision, exit ≥ start.
        foreach (var person in dated.GroupBy(e => e.CitizenId))
        {
            var days = person.Select(e => e.Day).ToList();
            Assert.Equal(days.Order(StringComparer.Ordinal), days);
            Assert.True(days[0] != days[^1], "a backlog spans days");
        }
        Assert.All(dated, e => Assert.Equal("440100", DivisionTable.Default.CityOf(e.Division)));
        // The day's traffic is what it was before the new cases: they come after it.
        var before = RegistrationGenerator.Generate(new RegistrationTrafficOptions
        {
            CityCode = "440100", Applications = 10, LocalRegistrations = 10, Exits = 2, ForbiddenExits = 1, AlsoLocal = 2, Seed = 5,
        });
        Assert.Equal(before, traffic.Take(before.Count));
        Assert.Equal(traffic, RegistrationGenerator.Generate(Options()));
    }

    [Fact]
    public void ARetriedExit_IsTheExitAgain_AndACrossCityPersonRegistersInTheSecondCityFirst()
    {
        var traffic = RegistrationGenerator.Generate(Options()).ToList();

        var retries = traffic.Where(e => e.Kind == "exit_retry").ToList();
        Assert.Equal(3, retries.Count);
        Assert.All(retries, retry => Assert.Contains(traffic.Take(traffic.IndexOf(retry)), e => e == retry with { Kind = "exit" }));
        // The backlog's exit is retried too, with its day.
        Assert.Contains(retries, r => r.Day.Length > 0);

        var crossCity = traffic.Where(e => e.Kind == "cross_city_local").ToList();
        Assert.Equal(2, crossCity.Count);
        foreach (var second in crossCity)
        {
            var first = traffic[traffic.IndexOf(second) - 1];
            Assert.Equal(("local", second.CitizenId, "440300"), (first.Kind, first.CitizenId, DivisionTable.Default.CityOf(first.Division)));
            Assert.Equal("440100", DivisionTable.Default.CityOf(second.Division));
            Assert.NotEqual(first.RegistrationId, second.RegistrationId);
        }
        Assert.Equal(traffic.Count(e => e.Kind is "application" or "local" or "cross_city_local"),
            traffic.Where(e => e.Kind is "application" or "local" or "cross_city_local").Select(e => (e.Kind, e.CitizenId, e.RegistrationId)).Distinct().Count());
    }

    [Fact]
    public void Dongguan_IsItsOwnCounty_AndBadOptionsAreRefusedWithWhy()
    {
        var traffic = RegistrationGenerator.Generate(new RegistrationTrafficOptions
        {
            CityCode = "441900", Applications = 5, LocalRegistrations = 5, Exits = 2, ForbiddenExits = 1, AlsoLocal = 1, Backlog = 2, Today = Today,
        });
        Assert.All(traffic, e => Assert.Equal("441900", e.Division));
        Assert.Contains(traffic, e => e.Kind == "application");

        Assert.Contains("A backlog needs Today", Assert.Throws<ArgumentException>(() => RegistrationGenerator.Generate(new RegistrationTrafficOptions { Backlog = 1 })).Message, StringComparison.Ordinal);
        Assert.Contains("SecondCityCode '440199' is not a city", Assert.Throws<ArgumentException>(() => RegistrationGenerator.Generate(new RegistrationTrafficOptions
        {
            CrossCity = 1, SecondCityCode = "440199",
        })).Message, StringComparison.Ordinal);
        Assert.Contains("Retries are of the exits", Assert.Throws<ArgumentException>(() => RegistrationGenerator.Generate(new RegistrationTrafficOptions
        {
            Exits = 1, Retries = 2,
        })).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheDataGenCommand_WritesTheDaysAndTheNewKinds_AsDocumented()
    {
        using var directory = new TempDirectory();
        var output = directory.File("export");
        await using var datagen = ExternalProcess.Start("dotnet", [RepoPaths.ProjectOutput("src/DataGen", "Federation.DataGen.dll"),
            "--out", output, "--city", "441900", "--persons", "100", "--registrations", "20", "--registration-day", "2026-12-07", "--second-city", "440300"]);
        Assert.True(await datagen.WaitForExitAsync(TimeSpan.FromMinutes(2)) == 0, datagen.Output);

        var rows = ExportFiles.ReadRows(output, "registration-events").ToList();
        Assert.Equal(["application", "contact", "cross_city_local", "decision", "exit", "exit_retry", "forbidden_exit", "local"],
            rows.Select(r => r["kind"]).Distinct().Order(StringComparer.Ordinal));
        Assert.All(rows.Where(r => r["kind"] is "application" or "decision" or "contact" && r["day"].Length > 0),
            r => Assert.Equal("441900", r["division"]));
        Assert.Contains(rows, r => r["kind"] == "local" && DivisionTable.Default.CityOf(r["division"]) == "440300");
        Assert.Contains("registration-events.csv", datagen.Output, StringComparison.Ordinal);
    }
}
