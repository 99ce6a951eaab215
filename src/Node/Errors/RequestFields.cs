using System.Globalization;

namespace Federation.Node.Errors;

/// <summary>Checks of request fields shared by the services: a refused field says which and why (<see cref="InvalidRequestException"/>, INVALID_ARGUMENT).</summary>
internal static class RequestFields
{
    public static DateOnly ParseDate(string text, string field) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw Invalid($"{field} must be a date YYYY-MM-DD, got '{text}'");

    /// <summary>A period the request names (<c>YYYY-MM-DD</c>), or null when the field is empty.</summary>
    public static Federation.Store.Period? ParseOptionalPeriod(string text, string field) => text.Length == 0 ? null : ParsePeriod(text, field);

    public static Federation.Store.Period ParsePeriod(string text, string field) =>
        Federation.Store.Period.TryParse(text, out var period) ? period : throw Invalid($"{field} must be a period YYYY-MM-DD, got '{text}'");

    /// <summary>
    /// The sealed period a request names (<c>YYYY-MM-DD</c>), or the latest when it names none:
    /// NOT_FOUND listing the sealed periods when it is not sealed; when nothing is sealed yet and the request
    /// asked for the latest, NOT_FOUND too, or FAILED_PRECONDITION with <paramref name="preconditionWhenNoneSealed"/>.
    /// </summary>
    public static Federation.Store.Manifest SealedPeriod(Federation.Store.ISealedPeriods store, string nodeId, string period, bool preconditionWhenNoneSealed = false)
    {
        var manifests = store.ListManifests();
        if (period.Length == 0)
        {
            if (manifests.Count == 0)
            {
                var none = $"Node {nodeId} has no sealed period yet.";
                throw preconditionWhenNoneSealed ? new PreconditionFailedException(none) : new NotFoundException(none);
            }
            return manifests[^1];
        }
        var wanted = ParsePeriod(period, "period");
        return manifests.FirstOrDefault(m => m.Period == wanted) ?? throw new NotFoundException(
            $"period {period} is not sealed on this node; sealed periods: {(manifests.Count == 0 ? "none" : string.Join(", ", manifests.Select(m => m.Period)))}");
    }

    public static InvalidRequestException Invalid(string message) => new(message);
}
