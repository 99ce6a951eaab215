using System.Globalization;
using Federation.Node.Errors;
using Federation.Protocol.V1;
using Federation.Standards;
using Federation.Store;

namespace Federation.Node.Statistics;

/// <summary><c>federation.v1.Statistics</c>: official indicators from a sealed period.</summary>
internal sealed class StatisticsService(ISealedPeriods store, IChildTransfers childSnapshots, IIndicatorQueries queries, NodeIdentity identity, Exchange.ChildClients clients,
    Microsoft.Extensions.Options.IOptions<ExchangeOptions> options) : Protocol.V1.Statistics.StatisticsBase
{
    public override async Task<Indicators> GetIndicators(GetIndicatorsRequest request, ServerCallContext context)
    {
        if (identity.Children.Count > 0)
        {
            return await GetParentIndicatorsAsync(request, context.CancellationToken);
        }
        var manifest = RequestFields.SealedPeriod(store, identity.Id, request.Period, preconditionWhenNoneSealed: true);
        var (from, to) = Range(request, manifest.AsOf);
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

        var figures = await Task.Run(() => new IndicatorCalculator(queries).Compute(manifest.Period, from, to, jurisdiction), context.CancellationToken);
        var response = ToIndicators(figures, manifest.Period, division, from, to, request.EmployedTotal);
        response.ManifestDigest = manifest.Digest;
        return response;
    }

    private static Indicators ToIndicators(IndicatorFigures figures, Period period, string division, DateOnly from, DateOnly to, long employedTotal)
    {
        var indicators = Figures(figures, period, division, from, to, employedTotal);
        indicators.ExitReasons.AddRange(figures.ExitReasons.Select(r => new ExitReasonCount { Reason = r.Reason, Registrations = r.Registrations }));
        return indicators;
    }

    private static Indicators Figures(IndicatorFigures figures, Period period, string division, DateOnly from, DateOnly to, long employedTotal) => new()
    {
        Period = period.ToString(),
        Division = division,
        From = from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        To = to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        NewUrbanEmployment = figures.NewUrbanEmployment,
        ReemployedUnemployed = figures.ReemployedUnemployed,
        HardToEmployEmployed = figures.HardToEmployEmployed,
        RegisteredUnemployed = figures.RegisteredUnemployed,
        RegisteredUnemploymentRate = figures.UnemploymentRate(employedTotal)?.ToString("0.00", CultureInfo.InvariantCulture) ?? "",
        EmployedTotal = employedTotal,
        UnemploymentInflow = figures.UnemploymentInflow,
        UnemploymentInflowOnline = figures.UnemploymentInflowOnline,
        UnemploymentOutflow = figures.UnemploymentOutflow,
    };

    // A parent answers from its children's committed snapshots: the roll-up over their union
    // (distinct persons) and each child's own figures.
    private async Task<Indicators> GetParentIndicatorsAsync(GetIndicatorsRequest request, CancellationToken cancellationToken)
    {
        var received = identity.Children.ToDictionary(c => c.Id, c => childSnapshots.ListChildManifests(c.Id), StringComparer.Ordinal);
        Period period;
        if (request.Period.Length == 0)
        {
            var latest = received.Values.SelectMany(m => m).Select(m => m.Period).DefaultIfEmpty().Max();
            period = latest != default ? latest : throw new PreconditionFailedException($"No child snapshot has been received by {identity.Id} yet.");
        }
        else
        {
            period = RequestFields.ParsePeriod(request.Period, "period");
        }
        var (from, to) = Range(request, period);
        if (from > to || to > period.AsOf)
        {
            throw Invalid($"the range {from:yyyy-MM-dd} … {to:yyyy-MM-dd} must be in order and end on or before the period {period}");
        }
        // Any division within the jurisdiction: the whole of it, a child's, or a part of a child's.
        var division = request.Division.Length == 0 ? identity.DivisionCode : request.Division;
        var own = DivisionTable.Default.JurisdictionOf(identity.DivisionCode);
        if (division != identity.DivisionCode && (DivisionTable.Default.Find(division) is null || !own.Contains(division)))
        {
            throw Invalid(DivisionTable.Default.Find(division) is null
                ? $"division '{division}' is not a GB/T 2260 division code"
                : $"division {division} is outside this node's jurisdiction {identity.DivisionCode}");
        }
        var jurisdiction = division == identity.DivisionCode ? own : DivisionTable.Default.JurisdictionOf(division);
        // The children whose jurisdiction holds some of the division.
        var relevant = identity.Children
            .Where(c => division == identity.DivisionCode || jurisdiction.Contains(c.DivisionCode) || DivisionTable.Default.JurisdictionOf(c.DivisionCode).Contains(division))
            .ToList();
        var present = relevant.Where(c => received[c.Id].Any(m => m.Period == period)).ToList();
        if (present.Count == 0)
        {
            throw new NotFoundException($"No child of {identity.Id} covering {division} has a received snapshot of period {period}.");
        }

        var rollup = await Task.Run(() => new IndicatorCalculator(queries).Compute(IndicatorScope.FromChildren(period, present.Select(c => c.Id)), from, to, jurisdiction), cancellationToken);
        var response = ToIndicators(rollup, period, division, from, to, request.EmployedTotal);
        // The parent's own sealed period of that date, once every child delivered it: the digest of the union.
        response.ManifestDigest = store.GetManifest(period)?.Digest ?? "";
        foreach (var child in relevant)
        {
            var manifest = received[child.Id].FirstOrDefault(m => m.Period == period);
            if (manifest is null)
            {
                response.Children.Add(new ChildIndicators { ChildId = child.Id, DivisionCode = child.DivisionCode, Missing = true });
                continue;
            }
            var figures = await Task.Run(() => new IndicatorCalculator(queries).Compute(IndicatorScope.FromChildren(period, [child.Id]), from, to, jurisdiction), cancellationToken);
            response.Children.Add(new ChildIndicators
            {
                ChildId = child.Id,
                DivisionCode = child.DivisionCode,
                NewUrbanEmployment = figures.NewUrbanEmployment,
                ReemployedUnemployed = figures.ReemployedUnemployed,
                HardToEmployEmployed = figures.HardToEmployEmployed,
                RegisteredUnemployed = figures.RegisteredUnemployed,
                Digest = manifest.Digest,
            });
        }
        // each child's own report of the same range, asked in parallel, against the figures from its snapshot.
        // A child asked for a part of its jurisdiction reports that part.
        await Task.WhenAll(response.Children.Where(c => !c.Missing).Select(c =>
            CheckReportedAsync(c, period, from, to, jurisdiction.Contains(c.DivisionCode) ? "" : division, cancellationToken)));
        return response;
    }

    private async Task CheckReportedAsync(ChildIndicators child, Period period, DateOnly from, DateOnly to, string division, CancellationToken cancellationToken)
    {
        var childOptions = identity.Children.Single(c => c.Id == child.ChildId);
        try
        {
            var reported = await clients.Statistics(childOptions).GetIndicatorsAsync(new GetIndicatorsRequest
            {
                Period = period.ToString(),
                From = from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                To = to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                Division = division,
            }, deadline: DateTime.UtcNow + options.Value.VerificationTimeout * 5, cancellationToken: cancellationToken);
            child.Reported = new ReportedFigures
            {
                NewUrbanEmployment = reported.NewUrbanEmployment,
                ReemployedUnemployed = reported.ReemployedUnemployed,
                HardToEmployEmployed = reported.HardToEmployEmployed,
                RegisteredUnemployed = reported.RegisteredUnemployed,
                Digest = reported.ManifestDigest,
            };
            child.Deviations.AddRange(ReportedFigureCheck.Deviations(
                new IndicatorFigures(child.NewUrbanEmployment, child.ReemployedUnemployed, child.HardToEmployEmployed, child.RegisteredUnemployed),
                new IndicatorFigures(reported.NewUrbanEmployment, reported.ReemployedUnemployed, reported.HardToEmployEmployed, reported.RegisteredUnemployed)));
        }
        catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
        {
            child.ReportedError = Exchange.ChildFailure.Describe(ex);
        }
    }

    private static DateOnly ParseDate(string text, string field) => RequestFields.ParseDate(text, field);

    /// <summary>
    /// The range counted. Given no dates: R-16's statistics month (since 2020 the monthly
    /// unemployment statistics run from the 21st of the previous month to the 20th), the latest
    /// one that ends on or before the period's as-of date — a snapshot holds nothing later; or,
    /// asked for, the calendar month up to the as-of date. Given dates, those (a missing `from`
    /// is the first of `to`'s month, a missing `to` the as-of date). The answer says which range.
    /// </summary>
    internal static (DateOnly From, DateOnly To) Range(GetIndicatorsRequest request, Period period)
    {
        var asOf = period.AsOf;
        if (request.From.Length == 0 && request.To.Length == 0)
        {
            if (request.CalendarMonth)
            {
                return (new DateOnly(asOf.Year, asOf.Month, 1), asOf);
            }
            var end = asOf.Day >= 20 ? new DateOnly(asOf.Year, asOf.Month, 20) : new DateOnly(asOf.Year, asOf.Month, 20).AddMonths(-1);
            return (end.AddMonths(-1).AddDays(1), end);
        }
        var to = request.To.Length == 0 ? asOf : ParseDate(request.To, "to");
        var from = request.From.Length == 0 ? new DateOnly(to.Year, to.Month, 1) : ParseDate(request.From, "from");
        return (from, to);
    }

    /// <summary>
    /// Enterprise monitoring's summary of a survey month from a sealed period of this node (a
    /// parent's merged period holds every city's sample below it).
    /// </summary>
    public override async Task<EnterpriseSummary> GetEnterpriseSummary(GetEnterpriseSummaryRequest request, ServerCallContext context)
    {
        if (!EnterpriseMonitoring.TryParseMonth(request.Month, out _))
        {
            throw Invalid($"month must be a survey month YYYY-MM from 1990 on, got '{request.Month}'");
        }
        if (request.WarnPercent is < 0 or > 100)
        {
            throw Invalid($"warn_percent is {request.WarnPercent}; it must be 1–100 (0 = the default 10)");
        }
        if (request.WarnPeople < 0)
        {
            throw Invalid($"warn_people is {request.WarnPeople}; it must not be negative (0 = the default 50)");
        }
        var manifest = RequestFields.SealedPeriod(store, identity.Id, request.Period, preconditionWhenNoneSealed: true);
        if (string.CompareOrdinal(request.Month, manifest.Period.LastCompleteMonth) > 0)
        {
            throw Invalid($"month {request.Month} had not ended by the period {manifest.Period}: the snapshot holds reports up to {manifest.Period.LastCompleteMonth}");
        }
        var percent = request.WarnPercent == 0 ? DefaultWarnPercent : request.WarnPercent;
        var people = request.WarnPeople == 0 ? DefaultWarnPeople : request.WarnPeople;
        var figures = await Task.Run(() => new Monitoring.EnterpriseSummaryCalculator(queries).Compute(manifest.Period, request.Month, percent, people), context.CancellationToken);
        return Monitoring.EnterpriseSummaryMapping.ToProto(figures, manifest, percent, people);
    }

    // The early-warning bounds of DOMAIN.md's reading: a reduction of 10 % of the baseline or 50 people.
    internal const int DefaultWarnPercent = 10;
    internal const long DefaultWarnPeople = 50;

    private static InvalidRequestException Invalid(string message) => RequestFields.Invalid(message);
}
