using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;
using Serilog.Settings.Configuration;

namespace Federation.Node.Host;

/// <summary>
/// Serilog for the daemon and the commands (through <c>Serilog.AspNetCore</c>): a readable
/// console, and a rolling file of compact JSON lines (one file per day, kept
/// <see cref="LogOptions.RetainedDays"/> days) that keeps every structured property. Every event
/// carries the node id. <c>Log</c> in the node's config sets the usual knobs; a <c>Serilog</c>
/// section there (Serilog.Settings.Configuration syntax) can override levels per source or add
/// enrichers and sinks.
/// </summary>
internal static class NodeLogging
{
    // console: false leaves the console to the caller (the demo runs the node's commands
    // in-process and prints its own lines); the file log is always written.
    public static LoggerConfiguration Configure(LoggerConfiguration logger, NodeConfiguration config, bool console = true)
    {
        var log = config.Log;
        System.IO.Directory.CreateDirectory(log.Directory);
        if (console)
        {
            logger.WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {NodeId} {Message:lj}{NewLine}{Exception}",
                formatProvider: System.Globalization.CultureInfo.InvariantCulture);
        }
        return logger
            .MinimumLevel.Is(Enum.Parse<LogEventLevel>(log.MinimumLevel, ignoreCase: true))
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
            // The gRPC client logs every failed call to a child at Information; the exchange and
            // verification logs already say what failed and what the node did about it.
            .MinimumLevel.Override("Grpc", LogEventLevel.Warning)
            .MinimumLevel.Override("System.Net.Http.HttpClient", LogEventLevel.Warning)
            // The health check service logs every Unhealthy result at Error; "lifecycle" is
            // unhealthy only while the node stops as asked (SIGTERM), which is no error: the
            // node logs its stopping itself (issue 22). Every other check's Error stays.
            .Filter.ByExcluding(IsStoppingLifecycleCheck)
            .Enrich.FromLogContext()
            .Enrich.WithProperty("NodeId", config.Node.Id)
            .WriteTo.File(new RenderedCompactJsonFormatter(), Path.Combine(log.Directory, $"{config.Node.Id}-.log"),
                rollingInterval: RollingInterval.Day, retainedFileCountLimit: log.RetainedDays, shared: true)
            // Named assemblies, not a scan: works the same in a trimmed or single-file publish.
            .ReadFrom.Configuration(config.Configuration, new ConfigurationReaderOptions(
                typeof(ConsoleLoggerConfigurationExtensions).Assembly, typeof(FileLoggerConfigurationExtensions).Assembly));
    }

    private static bool IsStoppingLifecycleCheck(LogEvent entry) =>
        entry.Properties.TryGetValue("SourceContext", out var source) && source is ScalarValue { Value: "Microsoft.Extensions.Diagnostics.HealthChecks.DefaultHealthCheckService" }
        && entry.Properties.TryGetValue("HealthCheckName", out var name) && name is ScalarValue { Value: NodeHealth.Lifecycle }
        && entry.Properties.TryGetValue("HealthStatus", out var status) && status is ScalarValue { Value: Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy };
}
