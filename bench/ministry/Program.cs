using System.Diagnostics;
using System.Globalization;
using Federation.Shared;
using Federation.Store;
using Federation.Store.Postgres;
using Federation.Store.Sqlite;

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

// Receive, commit and merge; the look-ups are measured afterwards with both stores loaded.
(TimeSpan Receive, TimeSpan Seal, Manifest Merged) Load(INodeStore store)
{
    var transfers = store.Transfers;
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
    var merged = store.Periods.Seal(period, now, [new MergedSource(Child, period, manifest.Digest)]);
    return (receive, clock.Elapsed, merged);
}

// One round of look-ups on one store: half by citizen ID, half by certificate number, random
// persons (the same sequence for every store), each timed; every one must be found.
TimeSpan LookUp(string name, IHolderLookups holders, int count, int seed, List<double> times)
{
    var random = new Random(seed);
    var found = 0;
    var clock = Stopwatch.StartNew();
    for (var i = 0; i < count; i++)
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
    if (found != count)
    {
        throw new InvalidOperationException($"{name}: {found} of {count} look-ups found their record");
    }
    return clock.Elapsed;
}

var sqlitePath = Path.Combine(work, "ministry.db");
foreach (var suffix in new[] { "", "-wal", "-shm" })
{
    File.Delete(sqlitePath + suffix);
}
using var sqlite = SqliteStore.Open(new StoreOptions { Path = sqlitePath, NodeId = "ministry" });
var sqliteLoad = Load(sqlite);
Console.WriteLine($"SQLite: received in {sqliteLoad.Receive.TotalSeconds:0.0} s, merged in {sqliteLoad.Seal.TotalSeconds:0.0} s");
using var cluster = PostgresCluster.Start(Path.Combine(work, "postgresql"));
using var postgres = PostgresStore.Open(cluster.Database("ministry"), "ministry");
var postgresLoad = Load(postgres);
Console.WriteLine($"PostgreSQL: received in {postgresLoad.Receive.TotalSeconds:0.0} s, merged in {postgresLoad.Seal.TotalSeconds:0.0} s");
if (sqliteLoad.Merged.Digest != postgresLoad.Merged.Digest)
{
    throw new InvalidOperationException($"merged digests differ: SQLite {sqliteLoad.Merged.Digest}, PostgreSQL {postgresLoad.Merged.Digest}");
}

// The machine is shared: the look-ups alternate between the stores in rounds (a warm-up round
// first, not counted), so both see the same background load; the ratio is per round, its median reported.
const int Rounds = 10;
var perRound = Math.Max(2, lookups / Rounds / 2 * 2);
var stores = new (string Name, IHolderLookups Holders, (TimeSpan Receive, TimeSpan Seal, Manifest Merged) Load, List<double> Times)[]
{
    ("SQLite", sqlite.Holders, sqliteLoad, new List<double>(lookups)),
    ("PostgreSQL", postgres.Holders, postgresLoad, new List<double>(lookups)),
};
var elapsed = new TimeSpan[stores.Length];
var ratios = new List<double>();
foreach (var (_, holders, _, _) in stores)
{
    LookUp("warm-up", holders, Math.Min(perRound, 1000), 1, []);
}
for (var round = 0; round < Rounds; round++)
{
    var rates = new double[stores.Length];
    for (var s = 0; s < stores.Length; s++)
    {
        var time = LookUp(stores[s].Name, stores[s].Holders, perRound, 100 + round, stores[s].Times);
        elapsed[s] += time;
        rates[s] = perRound / time.TotalSeconds;
    }
    ratios.Add(rates[1] / rates[0]);
}
ratios.Sort();
Console.WriteLine();
Console.WriteLine("| store | receive s | records/s | merged seal s | look-ups/s | p50 ms | p99 ms | merged digest |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---|");
for (var s = 0; s < stores.Length; s++)
{
    var (name, _, load, times) = stores[s];
    times.Sort();
    Console.WriteLine($"| {name} | {load.Receive.TotalSeconds:0.0} | {manifest.TotalRecords / load.Receive.TotalSeconds:N0} | {load.Seal.TotalSeconds:0.0} | " +
        $"{times.Count / elapsed[s].TotalSeconds:N0} | {times[times.Count / 2]:0.00} | {times[(int)(times.Count * 0.99)]:0.00} | `{load.Merged.Digest[..16]}…` |");
}
Console.WriteLine();
Console.WriteLine($"PostgreSQL's look-up rate as a share of SQLite's, per round ({Rounds} rounds of {perRound:N0} each, alternating): " +
    $"median {ratios[Rounds / 2]:P0}, range {ratios[0]:P0}–{ratios[^1]:P0}");
