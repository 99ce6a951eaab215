using System.Text;

namespace Grpc.Core;

/// <summary>One property of an <see cref="AuthContext"/>: a name and a value.</summary>
public sealed class AuthProperty
{
    private AuthProperty(string name, byte[] valueBytes)
    {
        Name = name;
        ValueBytes = valueBytes;
    }

    /// <summary>The property name, e.g. <c>x509_common_name</c>.</summary>
    public string Name { get; }

    /// <summary>The value as UTF-8 text.</summary>
    public string Value => Encoding.UTF8.GetString(ValueBytes);

    /// <summary>The raw value.</summary>
    public byte[] ValueBytes { get; }

    /// <summary>Creates a property.</summary>
    public static AuthProperty Create(string name, byte[] valueBytes)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(valueBytes);
        return new AuthProperty(name, valueBytes);
    }

    internal static AuthProperty Create(string name, string value) => new(name, Encoding.UTF8.GetBytes(value));
}
