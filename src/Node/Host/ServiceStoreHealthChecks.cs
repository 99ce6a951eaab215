using Federation.Store;
using Federation.Store.Registration;
using Federation.Store.Security;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Federation.Node.Host;

/// <summary>
/// The health checks of the services that keep their data beside the store (<see cref="NodeHealth"/>):
/// each asks the database its service reads for one cheap answer — the security database for
/// Accounts, the audit chain's head for Audit, the registration journal's feed head for
/// Registration.
/// </summary>
internal static class ServiceStoreHealthChecks
{
    internal sealed class Accounts(AccountStore accounts) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Probe("the security database", () => $"{accounts.List().Count} account(s)");
    }

    internal sealed class Audit(AuditLog audit) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Probe("the audit log", () => $"{audit.Head().Seq} entries");
    }

    internal sealed class Registration(IRegistrationJournal journal) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Probe("the registration journal", () => $"feed at {journal.FeedHead()}");
    }

    private static Task<HealthCheckResult> Probe(string what, Func<string> read)
    {
        try
        {
            return Task.FromResult(HealthCheckResult.Healthy(read()));
        }
        catch (Exception ex) when (ex is StoreException or IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"{what} does not answer: {ex.Message}"));
        }
    }
}
