using System.Reflection;
using Grpc.AspNetCore.Server;
using Grpc.AspNetCore.Server.Internal;
using Grpc.Core;
using Grpc.Core.Internal;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps gRPC services onto endpoint routing.</summary>
public static class GrpcEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps every method of <typeparamref name="TService"/> — a class derived from a generated
    /// <c>XBase</c> — as <c>POST /package.Service/Method</c>. Calls to unknown services or methods
    /// get UNIMPLEMENTED.
    /// </summary>
    public static IEndpointConventionBuilder MapGrpcService<TService>(this IEndpointRouteBuilder builder)
        where TService : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.ServiceProvider;
        var registry = services.GetService<GrpcServiceRegistry>()
            ?? throw new InvalidOperationException("Unable to find the gRPC services. Call services.AddGrpc() when configuring the application.");
        var options = new ServerMethodOptions(services.GetRequiredService<IOptions<GrpcServiceOptions>>().Value);
        var loggerFactory = services.GetRequiredService<ILoggerFactory>();
        var logger = loggerFactory.CreateLogger("Grpc.AspNetCore.Server.ServerCallHandler");

        var (bindType, bindMethod, baseType) = FindBindMethod(typeof(TService));
        var binder = new ServiceMethodBinder<TService>(options, new ServiceActivator<TService>(services),
            InterceptorActivator.CreateAll(services.GetRequiredService<IOptions<GrpcServiceOptions>>().Value, services), logger);
        try
        {
            bindMethod.Invoke(null, [binder, null]);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            throw new InvalidOperationException($"Binding gRPC service {typeof(TService)} failed: {ex.InnerException.Message}", ex.InnerException);
        }
        if (binder.Methods.Count == 0)
        {
            throw new InvalidOperationException($"gRPC service {typeof(TService)} ({baseType}) has no methods.");
        }

        var serviceName = binder.Methods[0].Method.ServiceName;
        registry.Add(new GrpcServiceRegistration(serviceName, bindType, [.. binder.Methods.Select(m => m.Method)]));

        var conventions = new List<IEndpointConventionBuilder>();
        foreach (var (method, handler) in binder.Methods)
        {
            GrpcServerLog.MethodMapped(logger, method.FullName, method.Type);
            conventions.Add(builder.MapMethods(method.FullName, ["POST"], handler).WithDisplayName($"gRPC - {method.FullName}"));
        }

        if (!registry.UnimplementedEndpointMapped)
        {
            registry.UnimplementedEndpointMapped = true;
            builder.MapFallback("{**path}", context => HandleUnimplementedAsync(context, registry, logger)).WithDisplayName("gRPC - Unimplemented");
        }
        return new CompositeConventionBuilder(conventions);
    }

    private static (Type BindType, MethodInfo BindMethod, Type BaseType) FindBindMethod(Type serviceType)
    {
        for (var type = serviceType; type is not null; type = type.BaseType)
        {
            var attribute = type.GetCustomAttribute<BindServiceMethodAttribute>(inherit: false);
            if (attribute is null)
            {
                continue;
            }
            var method = attribute.BindType.GetMethod(attribute.BindMethodName, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static, [typeof(ServiceBinderBase), type])
                ?? throw new InvalidOperationException($"Could not find {attribute.BindType}.{attribute.BindMethodName}(ServiceBinderBase, {type}).");
            return (attribute.BindType, method, type);
        }
        throw new InvalidOperationException(
            $"Could not find the BindService method for {serviceType}. A gRPC service must derive from the XBase class generated from its .proto file.");
    }

    private static Task HandleUnimplementedAsync(HttpContext context, GrpcServiceRegistry registry, ILogger logger)
    {
        if (!HttpMethods.IsPost(context.Request.Method) || !GrpcProtocolConstants.IsGrpcContentType(context.Request.ContentType))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }
        // :path is /package.Service/Method
        var path = context.Request.Path.Value ?? "";
        var slash = path.LastIndexOf('/');
        var serviceName = slash > 1 ? path[1..slash] : path.TrimStart('/');
        var methodName = slash >= 0 ? path[(slash + 1)..] : "";
        if (registry.IsMapped(serviceName))
        {
            GrpcServerLog.MethodUnimplemented(logger, methodName, serviceName);
            ProtocolErrors.WriteTrailersOnly(context.Response, StatusCode.Unimplemented, "Method is unimplemented.");
        }
        else
        {
            GrpcServerLog.ServiceUnimplemented(logger, serviceName);
            ProtocolErrors.WriteTrailersOnly(context.Response, StatusCode.Unimplemented, "Service is unimplemented.");
        }
        return Task.CompletedTask;
    }

    private sealed class CompositeConventionBuilder(List<IEndpointConventionBuilder> builders) : IEndpointConventionBuilder
    {
        public void Add(Action<EndpointBuilder> convention)
        {
            foreach (var builder in builders)
            {
                builder.Add(convention);
            }
        }
    }
}
