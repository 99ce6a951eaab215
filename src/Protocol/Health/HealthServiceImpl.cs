using System.Threading.Channels;
using Grpc.Core;
using Grpc.Health.V1;

namespace Grpc.HealthCheck;

/// <summary>
/// The standard health service (grpc/grpc doc/health-checking.md). Keeps a registry of
/// service name → status, where <c>""</c> is the server as a whole. Check answers NOT_FOUND for
/// an unknown service; Watch sends the current status at once, then every change, and stays
/// open for an unknown service (reporting SERVICE_UNKNOWN) until the client goes.
/// </summary>
public sealed class HealthServiceImpl : Health.V1.Health.HealthBase
{
    // The proto says List returns at most 100 services.
    private const int MaxListedServices = 100;

    // Each watcher has a small bounded queue that drops the oldest entry: a slow reader never
    // blocks SetStatus, and it always ends up with the latest status.
    private const int WatcherQueueCapacity = 5;

    private readonly Dictionary<string, HealthCheckResponse.Types.ServingStatus> _statuses = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<ChannelWriter<HealthCheckResponse>>> _watchers = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Sets a service's status and notifies its watchers if it changed.</summary>
    public void SetStatus(string service, HealthCheckResponse.Types.ServingStatus status)
    {
        ArgumentNullException.ThrowIfNull(service);
        lock (_lock)
        {
            var known = _statuses.TryGetValue(service, out var previous);
            _statuses[service] = status;
            if (!known || previous != status)
            {
                Notify(service, status);
            }
        }
    }

    /// <summary>Forgets a service; its watchers see SERVICE_UNKNOWN.</summary>
    public void ClearStatus(string service)
    {
        lock (_lock)
        {
            if (_statuses.Remove(service))
            {
                Notify(service, HealthCheckResponse.Types.ServingStatus.ServiceUnknown);
            }
        }
    }

    /// <summary>Forgets every service.</summary>
    public void ClearAll()
    {
        lock (_lock)
        {
            foreach (var service in _statuses.Keys.ToList())
            {
                _statuses.Remove(service);
                Notify(service, HealthCheckResponse.Types.ServingStatus.ServiceUnknown);
            }
        }
    }

    /// <inheritdoc />
    public override Task<HealthCheckResponse> Check(HealthCheckRequest request, ServerCallContext context)
    {
        lock (_lock)
        {
            return _statuses.TryGetValue(request.Service, out var status)
                ? Task.FromResult(new HealthCheckResponse { Status = status })
                : throw new RpcException(new Status(StatusCode.NotFound, $"Service '{request.Service}' is not registered for health checks."));
        }
    }

    /// <inheritdoc />
    public override Task<HealthListResponse> List(HealthListRequest request, ServerCallContext context)
    {
        lock (_lock)
        {
            if (_statuses.Count > MaxListedServices)
            {
                throw new RpcException(new Status(StatusCode.ResourceExhausted, $"{_statuses.Count} services are registered; List returns at most {MaxListedServices}."));
            }
            var response = new HealthListResponse();
            foreach (var (service, status) in _statuses)
            {
                response.Statuses[service] = new HealthCheckResponse { Status = status };
            }
            return Task.FromResult(response);
        }
    }

    /// <inheritdoc />
    public override async Task Watch(HealthCheckRequest request, IServerStreamWriter<HealthCheckResponse> responseStream, ServerCallContext context)
    {
        var channel = Channel.CreateBounded<HealthCheckResponse>(new BoundedChannelOptions(WatcherQueueCapacity)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        lock (_lock)
        {
            var current = _statuses.TryGetValue(request.Service, out var status) ? status : HealthCheckResponse.Types.ServingStatus.ServiceUnknown;
            channel.Writer.TryWrite(new HealthCheckResponse { Status = current });
            if (!_watchers.TryGetValue(request.Service, out var list))
            {
                _watchers[request.Service] = list = [];
            }
            list.Add(channel.Writer);
        }
        try
        {
            await foreach (var response in channel.Reader.ReadAllAsync(context.CancellationToken))
            {
                await responseStream.WriteAsync(response);
            }
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            // The client stopped watching.
        }
        finally
        {
            lock (_lock)
            {
                if (_watchers.TryGetValue(request.Service, out var list))
                {
                    list.Remove(channel.Writer);
                    if (list.Count == 0)
                    {
                        _watchers.Remove(request.Service);
                    }
                }
            }
        }
    }

    private void Notify(string service, HealthCheckResponse.Types.ServingStatus status)
    {
        if (_watchers.TryGetValue(service, out var list))
        {
            foreach (var writer in list)
            {
                writer.TryWrite(new HealthCheckResponse { Status = status });
            }
        }
    }
}
