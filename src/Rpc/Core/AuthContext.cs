namespace Grpc.Core;

/// <summary>
/// What the transport proved about the peer. For TLS with a client certificate the properties
/// are <c>transport_security_type</c> = <c>ssl</c>, <c>x509_common_name</c>,
/// <c>x509_subject_alternative_name</c> (one per DNS name) and <c>x509_pem_cert</c>, and the
/// peer identity is the common name.
/// </summary>
public class AuthContext
{
    private readonly Dictionary<string, List<AuthProperty>> _properties;

    /// <summary>Creates an auth context.</summary>
    public AuthContext(string? peerIdentityPropertyName, Dictionary<string, List<AuthProperty>> properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        PeerIdentityPropertyName = peerIdentityPropertyName;
        _properties = properties;
    }

    /// <summary>The name of the property that identifies the peer, or <c>null</c>.</summary>
    public string? PeerIdentityPropertyName { get; }

    /// <summary>Whether the peer was authenticated (a client certificate was presented).</summary>
    public bool IsPeerAuthenticated => PeerIdentityPropertyName is not null;

    /// <summary>The properties that identify the peer.</summary>
    public IEnumerable<AuthProperty> PeerIdentity => PeerIdentityPropertyName is null ? [] : FindPropertiesByName(PeerIdentityPropertyName);

    /// <summary>Every property.</summary>
    public IEnumerable<AuthProperty> Properties => _properties.Values.SelectMany(p => p);

    /// <summary>The properties with the given name.</summary>
    public IEnumerable<AuthProperty> FindPropertiesByName(string propertyName) =>
        _properties.TryGetValue(propertyName, out var list) ? list : [];
}
