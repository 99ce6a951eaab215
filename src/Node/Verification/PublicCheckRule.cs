using System.Security.Cryptography;
using System.Text;
using Federation.Protocol.V1;
using Federation.Standards;
using Federation.Store;

namespace Federation.Node.Verification;

/// <summary>
/// The public check (真伪查验, R-8) against one set of records — a node's own, or its copy of a
/// child's — doing the same work whether the number is held or not, so that the time it takes
/// does not tell a stranger whether a number exists: the certificate look-up; a holder look-up
/// (of <see cref="NoHolder"/>, which no record carries, when no one holds the number); the
/// holder's status built; and a keyed hash of the holder's name compared with one of the name
/// asked, in constant time. The answer is <see cref="Response"/>: a "no" is the same bytes
/// whatever the reason.
/// </summary>
internal sealed class PublicCheckRule
{
    /// <summary>Looked up when no one holds the number: well formed, but its region (000000) is no division, so no record carries it.</summary>
    internal const string NoHolder = "000000190001010000";

    private static readonly IReadOnlyDictionary<Dataset, List<OriginRecord>> NoRecords = new Dictionary<Dataset, List<OriginRecord>>();

    // Per process: the hashes only ever meet each other, in memory.
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    /// <summary>Whether the number is held at all here (<c>Held</c>), and whether it is in force under that name (<c>Genuine</c>).</summary>
    public (bool Genuine, bool Held, bool Cached) Check(Func<string, string?> certificateHolder, Func<string, HolderRecords?> holder,
        CertificateNumber number, string name, DateOnly today)
    {
        var citizen = certificateHolder(number.Value);
        var records = holder(citizen ?? NoHolder);
        var status = HolderStatusBuilder.Build(records ?? new HolderRecords(NoHolder, NoRecords, null), today);
        var inForce = false;
        foreach (var certificate in status.Certificates)
        {
            inForce |= certificate.Certificate.CertificateNumber == number.Value && certificate.State == CertificateState.Valid;
        }
        var named = CryptographicOperations.FixedTimeEquals(Keyed(status.Person?.Name ?? ""), Keyed(name));
        // Non-short-circuit: every part is evaluated on every path.
        return (citizen is not null & inForce & named, citizen is not null, records?.CachedPeriod is not null);
    }

    /// <summary>The answer: a "no" carries nothing, not even freshness (a cached record would show that the number exists).</summary>
    public static PublicCheckResponse Response(bool genuine, bool cached) => new()
    {
        Genuine = genuine,
        Freshness = genuine ? (cached ? Freshness.Cached : Freshness.Live) : Freshness.Unspecified,
    };

    private byte[] Keyed(string name) => HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(name));
}
