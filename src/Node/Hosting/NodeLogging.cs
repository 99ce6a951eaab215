using Serilog;
using Serilog.Events;
using Serilog.Formatting.Json;

namespace Federation.Node.Hosting;

/// <summary>
/// Serilog behind Microsoft.Extensions.Logging: a readable console, and a rolling file of JSON
/// lines (one file per day, kept <see cref="LogOptions.RetainedDays"/> days) that keeps every
/// structured property. Every event carries the node id.
/// </summary>
internal static class NodeLogging
{
    public static Serilog.Core.Logger Create(NodeOptions node, LogOptions log)
    {
        var level = Enum.Parse<LogEventLevel>(log.MinimumLevel, ignoreCase: true);
        System.IO.Directory.CreateDirectory(log.Directory);
        return new LoggerConfiguration()
            .MinimumLevel.Is(level)
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
            .Enrich.FromLogContext()
            .Enrich.WithProperty("NodeId", node.Id)
            .WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {NodeId} {Message:lj}{NewLine}{Exception}",
                formatProvider: System.Globalization.CultureInfo.InvariantCulture)
            .WriteTo.File(new JsonFormatter(renderMessage: true), Path.Combine(log.Directory, $"{node.Id}-.log"),
                rollingInterval: RollingInterval.Day, retainedFileCountLimit: log.RetainedDays, shared: true)
            .CreateLogger();
    }
}
