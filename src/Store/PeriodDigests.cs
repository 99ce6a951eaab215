using System.Data.Common;

namespace Federation.Store;

/// <summary>
/// The algorithm a store digests its periods with (<see cref="SnapshotDigest"/>), one for the
/// store's life: recorded in its meta (<c>period_digest</c>: <c>sha256</c> or <c>sm3</c>) when it is
/// created, from <c>Security:Crypto</c>. A store from before the option that already holds digests
/// (sealed or received periods, a transfer under way) is SHA-256, which every digest it holds is.
/// A node configured otherwise than its store refuses to start, naming the store — the same rule
/// as the audit log's (<see cref="Security.AuditLog"/>). The SQLite and PostgreSQL stores share
/// this logic and its SQL; each runs it in a transaction of its own when it opens.
/// </summary>
public static class PeriodDigests
{
    internal const string MetaKey = "period_digest";

    /// <summary>
    /// Reads (recording it first when the store has none) the store's algorithm and checks it
    /// against <paramref name="expected"/> (null: an offline tool, which takes whatever is recorded),
    /// on <paramref name="transaction"/>.
    /// </summary>
    /// <exception cref="StoreException">The store's algorithm is unknown or not <paramref name="expected"/>.</exception>
    internal static DigestAlgorithm Open(string where, DigestAlgorithm? expected, DbConnection connection, DbTransaction transaction)
    {
        object? Scalar(string sql, string? value)
        {
            using var command = FindingsSql.Command(connection, transaction, sql, value is null ? [] : [("value", value)]);
            return command.ExecuteScalar();
        }

        const string Read = $"SELECT value FROM meta WHERE key = '{MetaKey}'";
        if (Scalar(Read, null) is not string)
        {
            var holdsDigests = Convert.ToBoolean(Scalar(
                "SELECT EXISTS (SELECT 1 FROM manifests) OR EXISTS (SELECT 1 FROM child_manifests) OR EXISTS (SELECT 1 FROM transfers)", null),
                System.Globalization.CultureInfo.InvariantCulture);
            var algorithm = holdsDigests ? DigestAlgorithm.Sha256 : expected ?? DigestAlgorithm.Sha256;
            // DO NOTHING: another process may have recorded it meanwhile; what is recorded wins.
            Scalar($"INSERT INTO meta (key, value) VALUES ('{MetaKey}', @value) ON CONFLICT (key) DO NOTHING", algorithm.Name());
        }
        var recorded = Scalar(Read, null) as string;
        var found = DigestAlgorithms.Parse(recorded)
            ?? throw new StoreException($"{where}: its periods name the digest algorithm '{recorded}', which this node does not know (sha256 or sm3).");
        if (expected is { } wanted && wanted != found)
        {
            throw new StoreException(
                $"{where}: its periods are digested with {found.Title()}, but Security:Crypto selects {wanted.Title()} " +
                $"(Security:Crypto = {Setting(wanted)}). A store keeps the digest algorithm it was created with: " +
                $"set Security:Crypto back to {Setting(found)}, or, to switch, back this store up and start the node with a new one (docs/security.md, \"National cryptography\").");
        }
        return found;
    }

    /// <summary>
    /// Why a parent whose periods are digested with <paramref name="own"/> refuses a child's
    /// manifest digest, or null when it takes it: the digest must be one this node computes the
    /// same way — of its own algorithm, and well formed (64 lower-case hex digits, after
    /// <c>sm3:</c> for SM3) — since the parent recomputes what it receives with its own algorithm.
    /// </summary>
    public static string? RefusalOf(string childId, string digest, DigestAlgorithm own)
    {
        var theirs = DigestAlgorithms.Of(digest);
        var hex = theirs == DigestAlgorithm.Sm3 ? digest[DigestAlgorithms.Sm3Prefix.Length..] : digest;
        if (hex.Length != 64 || !hex.All(char.IsAsciiHexDigitLower))
        {
            return $"{childId} reports the digest '{Security.AuditChainProof.Short(digest)}', which is not a digest (64 lower-case hex digits, after 'sm3:' for SM3); nothing was taken";
        }
        return theirs == own ? null
            : $"the child's periods are digested with {theirs.Title()}, but this tree uses {own.Title()} (Security:Crypto): " +
              "every node of a tree has the same Security:Crypto; nothing was taken";
    }

    private static string Setting(DigestAlgorithm algorithm) => algorithm == DigestAlgorithm.Sm3 ? "national" : "standard";
}
