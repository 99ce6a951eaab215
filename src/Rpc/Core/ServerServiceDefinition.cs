namespace Grpc.Core;

/// <summary>
/// A service's methods bound to handler delegates of one instance, as built by the generated
/// static <c>BindService(XBase)</c>.
/// </summary>
public class ServerServiceDefinition
{
    private readonly IReadOnlyList<Action<ServiceBinderBase>> _addMethodActions;

    private ServerServiceDefinition(IReadOnlyList<Action<ServiceBinderBase>> addMethodActions) => _addMethodActions = addMethodActions;

    /// <summary>Replays every method of this definition into <paramref name="serviceBinder"/>.</summary>
    public void BindService(ServiceBinderBase serviceBinder)
    {
        ArgumentNullException.ThrowIfNull(serviceBinder);
        foreach (var addMethod in _addMethodActions)
        {
            addMethod(serviceBinder);
        }
    }

    /// <summary>Starts building a definition.</summary>
    public static Builder CreateBuilder() => new();

    /// <summary>Builds a <see cref="ServerServiceDefinition"/>.</summary>
    public class Builder
    {
        private readonly Dictionary<string, Action<ServiceBinderBase>> _methods = new(StringComparer.Ordinal);

        /// <summary>Adds a unary method.</summary>
        public Builder AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse> handler)
            where TRequest : class where TResponse : class => Add(method, binder => binder.AddMethod(method, handler));

        /// <summary>Adds a client-streaming method.</summary>
        public Builder AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse> handler)
            where TRequest : class where TResponse : class => Add(method, binder => binder.AddMethod(method, handler));

        /// <summary>Adds a server-streaming method.</summary>
        public Builder AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse> handler)
            where TRequest : class where TResponse : class => Add(method, binder => binder.AddMethod(method, handler));

        /// <summary>Adds a duplex-streaming method.</summary>
        public Builder AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse> handler)
            where TRequest : class where TResponse : class => Add(method, binder => binder.AddMethod(method, handler));

        /// <summary>Builds the definition.</summary>
        public ServerServiceDefinition Build() => new([.. _methods.Values]);

        private Builder Add(IMethod method, Action<ServiceBinderBase> action)
        {
            ArgumentNullException.ThrowIfNull(method);
            if (!_methods.TryAdd(method.FullName, action))
            {
                throw new InvalidOperationException($"Method '{method.FullName}' is already registered.");
            }
            return this;
        }
    }
}
