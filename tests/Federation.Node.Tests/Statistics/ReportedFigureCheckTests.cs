using Federation.Node.Statistics;
using Xunit;

namespace Federation.Node.Tests.Statistics;

/// <summary>R-15: a child's reported figures against its snapshot's, within ±5 %.</summary>
public sealed class ReportedFigureCheckTests
{
    private static readonly IndicatorFigures Snapshot = new(1000, 200, 40, 0);

    [Fact]
    public void Equal_NoDeviation() => Assert.Empty(ReportedFigureCheck.Deviations(Snapshot, Snapshot));

    [Fact]
    public void ExactlyFivePercent_IsWithinTolerance() =>
        Assert.Empty(ReportedFigureCheck.Deviations(Snapshot, new IndicatorFigures(1050, 190, 42, 0)));

    [Fact]
    public void MoreThanFivePercent_EitherWay_IsFlaggedWithTheFigures()
    {
        var deviations = ReportedFigureCheck.Deviations(Snapshot, new IndicatorFigures(1051, 189, 40, 0));

        Assert.Equal(["new_urban_employment: reported 1051, snapshot 1000 (+5.1 %)", "reemployed_unemployed: reported 189, snapshot 200 (-5.5 %)"], deviations);
    }

    [Fact]
    public void ZeroInTheSnapshot_AgreesOnlyWithZero() =>
        Assert.Equal(["registered_unemployed: reported 1, snapshot 0"], ReportedFigureCheck.Deviations(Snapshot, Snapshot with { RegisteredUnemployed = 1 }));
}
