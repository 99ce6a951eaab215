namespace Federation.Store;

/// <summary>
/// The hash a node's chains are computed with: SHA-256 (<c>Security:Crypto = standard</c>) or SM3
/// (GB/T 32905, <c>national</c>, GM/T 0054 密评). A digest says which it is: SM3 digests are
/// written <c>sm3:</c> and 64 hex digits, SHA-256 digests as 64 hex digits alone — as they always
/// were, so a store or audit log from before the option keeps every digest it holds.
/// </summary>
public enum DigestAlgorithm
{
    Sha256,
    Sm3,
}
