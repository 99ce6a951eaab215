using Federation.Node.Configuration;
using Federation.Node.Host;
using Federation.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Xunit;

namespace Federation.Node.Tests.Hosting;

/// <summary>
/// The node's log configuration keeps a stop asked for out of the Error level (issue 22): the
/// health check service logs every Unhealthy check at Error, and "lifecycle" is Unhealthy only
/// while the node stops as asked. Tested on the health check service itself, because in a real
/// node the periodic publisher rarely runs inside the 1.2 s a stop now takes, so a process test
/// passes with or without the rule.
/// </summary>
public sealed class NodeLoggingTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task UnhealthyLifecycleCheck_IsNotAnError_WhileEveryOtherUnhealthyCheckStillIs()
    {
        // Arrange: the node's own logger (from a city's config file), with a sink the test reads.
        var path = _directory.File("city.json");
        await File.WriteAllTextAsync(path, """
            { "Node": { "Id": "city-440100", "Level": "city", "DivisionCode": "440100" },
              "Store": { "Path": "data/city.db" },
              "Log": { "Directory": "logs" } }
            """);
        var config = NodeConfiguration.Load(path, checkFiles: false);
        var sink = new Collected();
        using var logger = NodeLogging.Configure(new LoggerConfiguration(), config, console: false).WriteTo.Sink(sink).CreateLogger();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddSerilog(logger));
        services.AddHealthChecks()
            .AddCheck(NodeHealth.Lifecycle, () => HealthCheckResult.Unhealthy("the node is stopping"))
            .AddCheck(NodeHealth.Store, () => HealthCheckResult.Unhealthy("the store cannot be read"));
        await using var provider = services.BuildServiceProvider();

        // Act: the checks run while the node stops.
        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync().DefaultTimeout();

        // Assert: both checks were Unhealthy; only the store's is logged at Error.
        Assert.Equal(HealthStatus.Unhealthy, report.Entries[NodeHealth.Lifecycle].Status);
        Assert.Equal(HealthStatus.Unhealthy, report.Entries[NodeHealth.Store].Status);
        var errors = sink.Events.Where(e => e.Level >= LogEventLevel.Error)
            .Select(e => e.Properties.TryGetValue("HealthCheckName", out var name) ? ((ScalarValue)name).Value as string : null).ToList();
        Assert.Equal([NodeHealth.Store], errors);
    }

    private sealed class Collected : ILogEventSink
    {
        private readonly List<LogEvent> _events = [];

        public IReadOnlyList<LogEvent> Events
        {
            get
            {
                lock (_events)
                {
                    return [.. _events];
                }
            }
        }

        public void Emit(LogEvent logEvent)
        {
            lock (_events)
            {
                _events.Add(logEvent);
            }
        }
    }
}
