using System.Diagnostics.CodeAnalysis;

namespace Grpc.Core;

/// <summary>
/// Put by generated code on each <c>XBase</c> class: names the static method that binds the
/// service's methods to a <see cref="ServiceBinderBase"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class BindServiceMethodAttribute : Attribute
{
    private const DynamicallyAccessedMemberTypes ServiceBinderAccessibility = DynamicallyAccessedMemberTypes.PublicMethods | DynamicallyAccessedMemberTypes.NonPublicMethods;

    /// <summary>Creates the attribute.</summary>
    public BindServiceMethodAttribute([DynamicallyAccessedMembers(ServiceBinderAccessibility)] Type bindType, string bindMethodName)
    {
        BindType = bindType;
        BindMethodName = bindMethodName;
    }

    /// <summary>The type declaring the bind method (the generated static service class).</summary>
    [DynamicallyAccessedMembers(ServiceBinderAccessibility)]
    public Type BindType { get; }

    /// <summary>The bind method's name.</summary>
    public string BindMethodName { get; }
}
