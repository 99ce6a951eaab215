using System.Globalization;
using Federation.DataGen;

// Usage: Federation.DataGen --out <dir> [--city 440100] [--persons 1000] [--seed 1] [--defects 0.01] [--as-of 2026-10-31]
//        [--enterprises 300 [--months 12]]   (enterprise monitoring; the last month is --as-of's)
//        [--registrations 100 [--registration-day 2026-12-07] [--second-city 440300]]
//                                             (a day of registration-service traffic: registration-events.csv)
var options = new GeneratorOptions();
var enterprises = 0;
var months = 12;
var registrations = 0;
DateOnly? registrationDay = null;
string? secondCity = null;
string? output = null;
for (var i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
    try
    {
        switch (args[i])
        {
            case "--out": output = Next(); break;
            case "--city": options.CityCode = Next(); break;
            case "--persons": options.Persons = int.Parse(Next(), CultureInfo.InvariantCulture); break;
            case "--seed": options.Seed = int.Parse(Next(), CultureInfo.InvariantCulture); break;
            case "--defects": options.DefectRate = double.Parse(Next(), CultureInfo.InvariantCulture); break;
            case "--as-of": options.AsOf = DateOnly.ParseExact(Next(), "yyyy-MM-dd", CultureInfo.InvariantCulture); break;
            case "--id-offset": options.IdOffset = int.Parse(Next(), CultureInfo.InvariantCulture); break;
            case "--enterprises": enterprises = int.Parse(Next(), CultureInfo.InvariantCulture); break;
            case "--months": months = int.Parse(Next(), CultureInfo.InvariantCulture); break;
            case "--registrations": registrations = int.Parse(Next(), CultureInfo.InvariantCulture); break;
            case "--registration-day": registrationDay = DateOnly.ParseExact(Next(), "yyyy-MM-dd", CultureInfo.InvariantCulture); break;
            case "--second-city": secondCity = Next(); break;
            default: throw new ArgumentException($"Unknown argument {args[i]}.");
        }
    }
    catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException)
    {
        Console.Error.WriteLine(ex.Message);
        Console.Error.WriteLine("Usage: Federation.DataGen --out <dir> [--city 440100] [--persons 1000] [--seed 1] [--defects 0.01] [--as-of 2026-10-31] [--id-offset 0] [--enterprises 300] [--months 12] [--registrations 100] [--registration-day 2026-12-07] [--second-city 440300]");
        return 2;
    }
}
if (output is null)
{
    Console.Error.WriteLine("--out <dir> is required.");
    return 2;
}
var started = System.Diagnostics.Stopwatch.StartNew();
var summary = ExportGenerator.Generate(options, output);
foreach (var (file, rows) in summary.Rows)
{
    Console.WriteLine($"{file,-18} {rows,12:N0} rows");
}
Console.WriteLine($"{summary.Defects:N0} defective rows ({string.Join(", ", summary.DefectsByKind.OrderBy(k => k.Key).Select(k => $"{k.Key} {k.Value}"))}), listed in defects.csv");
if (enterprises > 0)
{
    var monitoring = EnterpriseGenerator.Generate(new EnterpriseOptions
    {
        CityCode = options.CityCode, Enterprises = enterprises, Months = months, Seed = options.Seed, DefectRate = options.DefectRate,
        LastMonth = options.AsOf.ToString("yyyy-MM", CultureInfo.InvariantCulture), IdOffset = options.IdOffset,
    }, output);
    foreach (var (file, rows) in monitoring.Rows)
    {
        Console.WriteLine($"{file,-22} {rows,12:N0} rows");
    }
    Console.WriteLine($"{monitoring.Defects:N0} defective enterprise monitoring rows, listed in enterprise-defects.csv");
}
if (registrations > 0)
{
    var traffic = RegistrationGenerator.Generate(new RegistrationTrafficOptions
    {
        CityCode = options.CityCode, Applications = registrations, LocalRegistrations = registrations, Exits = registrations / 2,
        ForbiddenExits = Math.Max(1, registrations / 20), AlsoLocal = registrations / 10, Seed = options.Seed, IdOffset = options.IdOffset,
        // The new cases of issue 21: a backlog entered late with its real days (before the day the
        // traffic is entered: today in Beijing unless given), exits delivered twice, and with
        // --second-city people registering locally in two cities.
        Backlog = Math.Max(1, registrations / 10), Today = registrationDay ?? DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8)),
        Retries = Math.Min(registrations / 2, Math.Max(1, registrations / 20)), CrossCity = secondCity is null ? 0 : Math.Max(1, registrations / 20), SecondCityCode = secondCity,
    });
    Console.WriteLine($"{"registration-events.csv",-22} {RegistrationGenerator.Write(traffic, output),12:N0} rows (" +
        string.Join(", ", traffic.GroupBy(e => e.Kind).Select(g => $"{g.Key} {g.Count()}")) + ")");
}
Console.WriteLine($"Generated {summary.TotalRows:N0} rows in {started.Elapsed.TotalSeconds:0.0} s into {Path.GetFullPath(output)}");
return 0;
