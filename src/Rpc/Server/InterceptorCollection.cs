using System.Collections.ObjectModel;
using Grpc.Core.Interceptors;

namespace Grpc.AspNetCore.Server;

/// <summary>
/// The interceptors of the server. Each is resolved from dependency injection when registered
/// there (register it as a singleton to share one instance), otherwise created per call.
/// </summary>
public sealed class InterceptorCollection : Collection<InterceptorRegistration>
{
    /// <summary>Adds an interceptor type; <paramref name="args"/> go to its constructor.</summary>
    public void Add<TInterceptor>(params object[] args)
        where TInterceptor : Interceptor => Add(typeof(TInterceptor), args);

    /// <summary>Adds an interceptor type; <paramref name="args"/> go to its constructor.</summary>
    public void Add(Type interceptorType, params object[] args)
    {
        ArgumentNullException.ThrowIfNull(interceptorType);
        if (!typeof(Interceptor).IsAssignableFrom(interceptorType))
        {
            throw new ArgumentException($"Type {interceptorType} does not derive from {typeof(Interceptor)}.", nameof(interceptorType));
        }
        Add(new InterceptorRegistration(interceptorType, args));
    }
}

/// <summary>One registered interceptor: its type and constructor arguments.</summary>
public sealed class InterceptorRegistration
{
    internal InterceptorRegistration(Type type, object[] arguments)
    {
        Type = type;
        Arguments = arguments;
    }

    /// <summary>The interceptor type.</summary>
    public Type Type { get; }

    /// <summary>Extra constructor arguments.</summary>
    public IReadOnlyList<object> Arguments { get; }
}
