namespace Federation.Store.Security;

/// <summary>A personal account .</summary>
public sealed record Account(string Id, string DisplayName, string Post, AccountStatus Status, string StatusReason,
    string? CertificateSha256, bool HasToken, DateTimeOffset CreatedAt, DateTimeOffset LastUsedAt, IReadOnlyList<Grant> Grants);
