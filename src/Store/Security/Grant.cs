namespace Federation.Store.Security;

/// <summary>A role granted for a post, over a jurisdiction (a GB/T 2260 code; 000000 is national).</summary>
public sealed record Grant(string Role, string Scope, DateTimeOffset GrantedAt, string GrantedBy);
