using System.Globalization;
using Grpc.Core;

namespace Federation.Node.Hosting;

/// <summary>Checks of request fields shared by the services: a refused field says which and why (INVALID_ARGUMENT).</summary>
internal static class RequestFields
{
    public static DateOnly ParseDate(string text, string field) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw Invalid($"{field} must be a date YYYY-MM-DD, got '{text}'");

    public static DateOnly? ParseOptionalDate(string text, string field) => text.Length == 0 ? null : ParseDate(text, field);

    public static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));
}
