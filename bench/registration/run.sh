#!/usr/bin/env bash
# A day's national exits reaching the ministry (issue 14 item 6): a real tree of 7 node processes
# (this build, Release, mutual TLS; the demo tree's shape: 2 provinces, 4 cities), EXITS local
# registrations made at the 4 cities (setup, timed), then all of them exit at once (16 calls in
# flight per city) and each is timed from the city call to its commit at the ministry — beside a
# plain gRPC unary-per-record baseline (the same exits pushed straight to one server that commits
# each to SQLite). Fails unless every exit reached the ministry exactly once and the ministry counts
# what the cities count. Writes bench/results/registration-<date>.md.
# Loopback ports FIRST_PORT … +7 (default 47100; the environment may set FIRST_PORT).
# Usage: bash bench/registration/run.sh [exits=30000]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
exits="${1:-30000}"
first_port="${FIRST_PORT:-47100}"
work="$(mktemp -d "${TMPDIR:-/tmp}/bench-reg-XXXXXX")"
cleanup() {
  local status=$?
  # The program kills its nodes itself; these are for a program that died without doing so.
  if [ -f "$work/nodes.pid" ]; then
    while read -r pid; do kill "$pid" 2>/dev/null || true; done < "$work/nodes.pid"
  fi
  if [ "$status" -eq 0 ]; then rm -rf "$work"; else echo "failed: the nodes' logs are kept in $work/logs" >&2; fi
}
trap cleanup EXIT
echo "building..." >&2
dotnet build "$root/src/Node" -c Release --nologo -v quiet -clp:NoSummary >&2
dotnet build "$here/Federation.Bench.Registration.csproj" -c Release --nologo -v quiet -clp:NoSummary >&2

date="$(date -u +%Y-%m-%d)"
commit="$(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- src bench/registration || echo ' + working tree')"
start=$(date +%s)
# Bounded: the program bounds each wait by the scale; this bounds the whole.
timeout --signal=TERM --kill-after=30 $((600 + exits / 10)) \
  dotnet "$here/bin/Release/net10.0/Federation.Bench.Registration.dll" "$exits" "$first_port" "$work" > "$work/figures.md"
elapsed=$(($(date +%s) - start))

results="$root/bench/results/registration-$date.md"
cat > "$results" <<REPORT
# Registration: a day's national exits reaching the ministry — $date, commit $commit

Command: \`bash bench/registration/run.sh $exits\` on $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, shared: the 7 node
processes, the bench's clients, the ministry observer and the baseline server all run on them ($elapsed s in all).

Ours: ministry ← province-440000 ← city-440100, city-440300 and ministry ← province-320000 ←
city-320100, city-320200, each its own process (Release, mutual TLS, every call authenticated,
authorised and audited; Log at Information). Setup: $exits local registrations (RegisterLocally, 16 in flight per
city), timed until the ministry's status counts them all. Measured: every one of them exits
(RecordExit, the generator's listed reasons in production systems' words) at the 4 cities at
once, 16 calls in flight per city; t0 just before the call, the arrival when the change is
committed in the ministry's journal (read every 1 ms by the bench, read-only). Baseline: the same
exits, 4 client "cities" × 16 in flight, each a unary \`BaselineSink.Push\` over h2c to one
in-process Kestrel server that commits it to SQLite (WAL, synchronous=FULL, a transaction per
record) before answering. Throughput = exits / (last arrival − first call).

$(cat "$work/figures.md")
REPORT
cat "$results"
