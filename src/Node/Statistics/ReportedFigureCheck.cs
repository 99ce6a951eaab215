using System.Globalization;

namespace Federation.Node.Statistics;

/// <summary>
/// reported tables must agree with the system's data within ±5 %. A child's reported figure
/// is compared with the figure its parent derives from the child's snapshot; the difference is
/// relative to the snapshot figure. A snapshot figure of 0 agrees only with a reported 0.
/// </summary>
internal static class ReportedFigureCheck
{
    public const double Tolerance = 0.05;

    public static IReadOnlyList<string> Deviations(IndicatorFigures snapshot, IndicatorFigures reported)
    {
        var deviations = new List<string>();
        void Check(string name, long derived, long claimed)
        {
            var exceeds = derived == 0 ? claimed != 0 : Math.Abs(claimed - derived) > Tolerance * derived;
            if (exceeds)
            {
                var relative = derived == 0 ? "" : $" ({(claimed - derived) * 100.0 / derived:+0.0;-0.0} %)";
                deviations.Add(string.Create(CultureInfo.InvariantCulture, $"{name}: reported {claimed}, snapshot {derived}{relative}"));
            }
        }
        Check("new_urban_employment", snapshot.NewUrbanEmployment, reported.NewUrbanEmployment);
        Check("reemployed_unemployed", snapshot.ReemployedUnemployed, reported.ReemployedUnemployed);
        Check("hard_to_employ_employed", snapshot.HardToEmployEmployed, reported.HardToEmployEmployed);
        Check("registered_unemployed", snapshot.RegisteredUnemployed, reported.RegisteredUnemployed);
        return deviations;
    }
}
