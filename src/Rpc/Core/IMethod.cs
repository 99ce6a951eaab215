namespace Grpc.Core;

/// <summary>A method descriptor without its message types.</summary>
public interface IMethod
{
    /// <summary>The kind of call.</summary>
    MethodType Type { get; }

    /// <summary>The fully-qualified service name, e.g. <c>grpc.health.v1.Health</c>.</summary>
    string ServiceName { get; }

    /// <summary>The method name, e.g. <c>Check</c>.</summary>
    string Name { get; }

    /// <summary>The fully-qualified name: <c>/service/method</c>, the HTTP/2 <c>:path</c>.</summary>
    string FullName { get; }
}
