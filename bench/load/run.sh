#!/usr/bin/env bash
# Load and bounds (issue 25 item 3): a city, its province and the ministry as node processes of
# this build (mutual TLS); against the province, verification clients and snapshot streams (a
# tenth of them slow) for a while, with the default cap on snapshot streams and then with every
# stream admitted: calls, failures by status, p50/p99, the province's RSS over time. Exits 1 when
# a call failed beyond the documented cap. Writes bench/results/load-<date>.md.
# Usage: bash bench/load/run.sh [seconds=60] [verifiers=1000] [streams=50] [connections=1000] [persons=20000]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
seconds="${1:-60}"
verifiers="${2:-1000}"
streams="${3:-50}"
connections="${4:-$verifiers}"
persons="${5:-20000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "building..." >&2
dotnet build "$root/src/Node" -c Release --nologo -v quiet -clp:NoSummary >&2
dotnet build "$here" -c Release --nologo -v quiet -clp:NoSummary >&2
out="$root/bench/results/load-$(date -u +%Y-%m-%d).md"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
status=0
dotnet "$here/bin/Release/net10.0/Federation.Bench.Load.dll" "$seconds" "$verifiers" "$streams" "$connections" "$persons" "$work" > "$work/result.md" || status=$?
{
  cat "$work/result.md"
  echo
  echo "Command: \`bash bench/load/run.sh $seconds $verifiers $streams $connections $persons\` at commit $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet || echo ' (uncommitted changes)'); $(nproc) cores, shared (load average $load_before at the start)."
} | tee "$out"
exit "$status"
