using System.Globalization;
using Federation.Node.Hosting;
using Federation.Protocol.V1;
using Federation.Standards;
using Federation.Store;
using Grpc.Core;

namespace Federation.Node.Statistics;

/// <summary><c>federation.v1.Statistics</c>: official indicators from a sealed period.</summary>
internal sealed class StatisticsService(FederationStore store, NodeIdentity identity) : Protocol.V1.Statistics.StatisticsBase
{
    public override async Task<Indicators> GetIndicators(GetIndicatorsRequest request, ServerCallContext context)
    {
        var manifests = store.ListManifests();
        Manifest manifest;
        if (request.Period.Length == 0)
        {
            manifest = (manifests.Count > 0 ? manifests[^1] : null) ?? throw new RpcException(new Status(StatusCode.FailedPrecondition, "No period has been sealed on this node yet."));
        }
        else
        {
            var period = ParseDate(request.Period, "period");
            manifest = manifests.FirstOrDefault(m => m.AsOf == period) ?? throw new RpcException(new Status(StatusCode.NotFound,
                $"period {request.Period} is not sealed on this node; sealed periods: {(manifests.Count == 0 ? "none" : string.Join(", ", manifests.Select(m => m.Period)))}"));
        }
        var to = request.To.Length == 0 ? manifest.AsOf : ParseDate(request.To, "to");
        var from = request.From.Length == 0 ? new DateOnly(manifest.AsOf.Year, manifest.AsOf.Month, 1) : ParseDate(request.From, "from");
        if (from > to)
        {
            throw Invalid($"from ({from:yyyy-MM-dd}) is after to ({to:yyyy-MM-dd})");
        }
        if (to > manifest.AsOf)
        {
            throw Invalid($"to ({to:yyyy-MM-dd}) is after the period's as-of date {manifest.Period}: the snapshot holds no later data");
        }
        if (request.EmployedTotal < 0)
        {
            throw Invalid($"employed_total is {request.EmployedTotal}; it must not be negative");
        }
        var own = DivisionTable.Default.JurisdictionOf(identity.DivisionCode);
        var division = request.Division.Length == 0 ? identity.DivisionCode : request.Division;
        Jurisdiction jurisdiction;
        if (division == identity.DivisionCode)
        {
            jurisdiction = own;
        }
        else
        {
            if (DivisionTable.Default.Find(division) is null)
            {
                throw Invalid($"division '{division}' is not a GB/T 2260 division code");
            }
            if (!own.Contains(division))
            {
                throw Invalid($"division {division} is outside this node's jurisdiction {identity.DivisionCode}");
            }
            jurisdiction = DivisionTable.Default.JurisdictionOf(division);
        }

        var figures = await Task.Run(() => new IndicatorCalculator(store).Compute(manifest.AsOf, from, to, jurisdiction), context.CancellationToken);
        return new Indicators
        {
            Period = manifest.Period,
            Division = division,
            From = from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            To = to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            NewUrbanEmployment = figures.NewUrbanEmployment,
            ReemployedUnemployed = figures.ReemployedUnemployed,
            HardToEmployEmployed = figures.HardToEmployEmployed,
            RegisteredUnemployed = figures.RegisteredUnemployed,
            RegisteredUnemploymentRate = figures.UnemploymentRate(request.EmployedTotal)?.ToString("0.00", CultureInfo.InvariantCulture) ?? "",
            EmployedTotal = request.EmployedTotal,
            ManifestDigest = manifest.Digest,
        };
    }

    private static DateOnly ParseDate(string text, string field) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw Invalid($"{field} must be a date YYYY-MM-DD, got '{text}'");

    private static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));
}
