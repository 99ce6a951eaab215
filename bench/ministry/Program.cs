using System.Diagnostics;
using System.Globalization;
using Federation.Shared;
using Federation.Store;
using Federation.Store.Postgres;

// The ministry's store at scale (issue 12): a province's snapshot of N persons (a person, a
// certificate and an employment registration each) received into an empty ministry store in
// packed batches, committed, merged into the ministry's period (the merged seal: copy, findings,
// digest), then verification look-ups by citizen ID and by certificate number — on SQLite and on
// PostgreSQL (a throwaway cluster), one after the other, same records, same digest asserted.
// Usage: dotnet Federation.Bench.Ministry.dll <persons> <lookups> <work directory>
var persons = int.Parse(args.ElementAtOrDefault(0) ?? "1000000", CultureInfo.InvariantCulture);
var lookups = int.Parse(args.ElementAtOrDefault(1) ?? "20000", CultureInfo.InvariantCulture);
var work = args.ElementAtOrDefault(2) ?? Path.Combine(Path.GetTempPath(), "federation-bench-ministry");
Directory.CreateDirectory(work);
var period = new DateOnly(2026, 10, 31);
var now = new DateTimeOffset(2026, 11, 20, 9, 0, 0, TimeSpan.FromHours(8));
const string Child = "province-440000";
const string Origin = "city-440100";

static string Citizen(int i) => $"4401{i:D13}X";

IEnumerable<(Dataset Dataset, List<OriginRecord> Batch)> Snapshot()
{
    const int BatchSize = 5000;
    foreach (var dataset in Dataset.All)
    {
        var batch = new List<OriginRecord>(BatchSize);
        for (var i = 0; i < persons; i++)
        {
            // Keys ascending in byte order within the one origin: the canonical order a child sends.
            string[]? values = dataset.Name switch
            {
                "persons" => [Citizen(i), "某某" + (i % 1000), (i % 2 + 1).ToString(CultureInfo.InvariantCulture), "1980-01-01", "440106", "2", "440106", "1"],
                "certificates" => [$"C{i:D15}", Citizen(i), "2020-06-30", "440106", "", "440106", "1"],
                "employment" => [$"E{i:D15}", Citizen(i), "flexible", "", "2026-03-01", "", "440106", "1"],
                _ => null,
            };
            if (values is null)
            {
                break;
            }
            batch.Add(new OriginRecord(Origin, values));
            if (batch.Count == BatchSize)
            {
                yield return (dataset, batch);
                batch = new List<OriginRecord>(BatchSize);
            }
        }
        if (batch.Count > 0)
        {
            yield return (dataset, batch);
        }
    }
}

Manifest ChildManifest()
{
    using var digest = new TransferDigest(DigestAlgorithm.Sha256);
    foreach (var (dataset, batch) in Snapshot())
    {
        digest.AppendPacked(dataset, PackedRecords.Pack(dataset, batch, "bench").Span);
    }
    var value = digest.Finish();
    return new Manifest(period, digest.Counts.ToDictionary(c => c.Key, c => c.Value), value, now);
}

var manifest = ChildManifest();
Console.WriteLine($"snapshot: {persons:N0} persons, {manifest.TotalRecords:N0} records, digest {manifest.Digest}");
var results = new List<string>();

void Run(string name, object storeObject)
{
    var transfers = (IChildTransfers)storeObject;
    var periods = (ISealedPeriods)storeObject;
    var holders = (IHolderLookups)storeObject;
    var clock = Stopwatch.StartNew();
    transfers.BeginTransfer(Child, period, manifest.Digest, now);
    using var received = new TransferDigest(transfers.DigestAlgorithm);
    foreach (var group in Snapshot().Chunk(4))
    {
        // 4 batches per transaction, as the puller groups a stream's messages.
        foreach (var part in group.GroupBy(g => g.Dataset))
        {
            var packed = part.Select(p => PackedRecords.Pack(p.Dataset, p.Batch, "bench")).ToList();
            foreach (var batch in packed)
            {
                received.AppendPacked(part.Key, batch.Span);
            }
            transfers.AppendTransferPacked(Child, period, part.Key, packed, now);
        }
    }
    transfers.CommitTransfer(Child, manifest, now, received);
    var receive = clock.Elapsed;
    clock.Restart();
    var merged = periods.Seal(period, now, [new MergedSource(Child, period, manifest.Digest)]);
    var seal = clock.Elapsed;
    var random = new Random(7);
    var times = new List<double>(lookups);
    var found = 0;
    clock.Restart();
    for (var i = 0; i < lookups; i++)
    {
        var n = random.Next(persons);
        var one = Stopwatch.StartNew();
        if (i % 2 == 0)
        {
            found += holders.FindCachedHolder(Child, Citizen(n)) is null ? 0 : 1;
        }
        else
        {
            found += holders.FindCachedCertificateHolder(Child, $"C{n:D15}") is null ? 0 : 1;
        }
        times.Add(one.Elapsed.TotalMilliseconds);
    }
    var lookupTime = clock.Elapsed;
    times.Sort();
    if (found != lookups || merged.Digest == "")
    {
        throw new InvalidOperationException($"{name}: {found} of {lookups} look-ups found their record");
    }
    var line = $"| {name} | {receive.TotalSeconds:0.0} | {manifest.TotalRecords / receive.TotalSeconds:N0} | {seal.TotalSeconds:0.0} | {lookups / lookupTime.TotalSeconds:N0} | {times[times.Count / 2]:0.00} | {times[(int)(times.Count * 0.99)]:0.00} | `{merged.Digest[..16]}…` |";
    Console.WriteLine(line);
    results.Add(line);
}

var sqlitePath = Path.Combine(work, "ministry.db");
foreach (var suffix in new[] { "", "-wal", "-shm" })
{
    File.Delete(sqlitePath + suffix);
}
using (var sqlite = FederationStore.Open(new StoreOptions { Path = sqlitePath, NodeId = "ministry" }))
{
    Run("SQLite", sqlite);
}
using (var cluster = PostgresCluster.Start(Path.Combine(work, "postgresql")))
using (var postgres = PostgresStore.Open(cluster.Database("ministry"), "ministry"))
{
    Run("PostgreSQL", postgres);
}
Console.WriteLine();
Console.WriteLine("| store | receive s | records/s | merged seal s | look-ups/s | p50 ms | p99 ms | merged digest |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---|");
results.ForEach(Console.WriteLine);
