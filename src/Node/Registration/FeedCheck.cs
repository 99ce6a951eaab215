using System.Security.Cryptography;
using System.Text;
using Federation.Protocol.V1;
using Federation.Store;
using Federation.Store.Registration;

namespace Federation.Node.Registration;

/// <summary>
/// Checks the feed against a sealed period, so the two paths a registration takes up the tree — the
/// same-day feed and the twice-monthly snapshot — can never silently disagree. Every registration
/// this node knows from the feed (or made itself) that began on or before the period's date is
/// projected to that date (an exit after it not yet) and compared, field by field, with the record
/// of the same origin and id in the sealed snapshot; both sides are hashed (SHA-256 over the
/// sorted lines "origin TAB id TAB citizen TAB category TAB start TAB exit TAB reason TAB division TAB
/// valid") so two nodes can compare digests. A disagreement is logged as an error (once per period
/// and outcome) and shown in status.
/// </summary>
internal sealed class FeedCheck(IRegistrationJournal journal, ISealedPeriods periods, TimeProvider time, ILogger<FeedCheck> logger)
{
    private const int MaxDifferences = 20;

    // Status shows the check of the latest period, redone at most this often: at the ministry it
    // reads the period's whole unemployment dataset.
    internal static readonly TimeSpan StatusRefresh = TimeSpan.FromMinutes(10);

    private readonly Lock _gate = new();
    private (Period Period, DateTimeOffset At, CheckFeedResponse Result)? _latest;
    private (string Period, bool Agree, int Differences)? _logged;

    /// <summary>The registration as it stood at the end of <paramref name="day"/>.</summary>
    public static RegistrationRecord AsOf(RegistrationRecord registration, DateOnly day) =>
        registration.CancelDate is { } exit && exit > day ? registration with { CancelDate = null, CancelReason = "" } : registration;

    /// <summary>The check of the latest sealed period for status, or null when nothing is sealed: redone when the period changes or after <see cref="StatusRefresh"/>.</summary>
    public CheckFeedResponse? CheckLatest()
    {
        var manifests = periods.ListManifests();
        if (manifests.Count == 0)
        {
            return null;
        }
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (_latest is { } latest && latest.Period == manifests[^1].Period && now - latest.At < StatusRefresh)
            {
                return latest.Result;
            }
        }
        var result = Check(manifests[^1]);
        lock (_gate)
        {
            _latest = (manifests[^1].Period, now, result);
        }
        return result;
    }

    public CheckFeedResponse Check(Manifest manifest)
    {
        var day = manifest.Period.AsOf;
        var feed = new SortedDictionary<(string Origin, string Id), string[]>();
        foreach (var registration in journal.RegistrationsOnOrBefore(day))
        {
            var r = AsOf(registration, day);
            feed[(r.Origin, r.RegistrationId)] = [r.Origin, r.RegistrationId, r.CitizenId, r.Category, RegistrationMessages.Day(r.RegisterDate),
                RegistrationMessages.Day(r.CancelDate), r.CancelReason, r.HandlingDivision, "1"];
        }
        var snapshot = new Dictionary<(string Origin, string Id), string[]>();
        if (feed.Count > 0)
        {
            foreach (var record in periods.ReadSealed(manifest.Period, Dataset.Unemployment))
            {
                var key = (record.Origin, record.Values[0]);
                if (feed.ContainsKey(key))
                {
                    snapshot[key] = [record.Origin, .. record.Values];
                }
            }
        }
        var differences = new List<string>();
        using var feedHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var snapshotHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (key, line) in feed)
        {
            feedHash.AppendData(Encoding.UTF8.GetBytes(string.Join('\t', line) + "\n"));
            if (!snapshot.TryGetValue(key, out var sealedLine))
            {
                differences.Add($"{key.Id} ({key.Origin}): in the feed, not in the snapshot");
                continue;
            }
            snapshotHash.AppendData(Encoding.UTF8.GetBytes(string.Join('\t', sealedLine) + "\n"));
            var fields = Dataset.Unemployment.Columns.Where((_, i) => line[i + 1] != sealedLine[i + 1]).ToList();
            if (fields.Count > 0)
            {
                differences.Add($"{key.Id} ({key.Origin}): {string.Join(", ", fields)} differ");
            }
        }
        var result = new CheckFeedResponse
        {
            Period = manifest.Period.ToString(),
            Registrations = feed.Count,
            FeedDigest = Convert.ToHexStringLower(feedHash.GetHashAndReset()),
            SnapshotDigest = Convert.ToHexStringLower(snapshotHash.GetHashAndReset()),
            Agree = differences.Count == 0,
        };
        result.Differences.AddRange(differences.Take(MaxDifferences));
        lock (_gate)
        {
            if (differences.Count > 0 && _logged != (result.Period, false, differences.Count))
            {
                RegistrationLog.FeedDisagrees(logger, result.Period, differences.Count, differences[0]);
            }
            _logged = (result.Period, result.Agree, differences.Count);
        }
        return result;
    }
}
