#!/usr/bin/env bash
# Public check timing probe (issue 20 item 4): a city, its province and the ministry as node
# processes of this build; pairs of anonymous public checks (an existing number with a wrong name
# vs a number that does not exist) at the city and at the ministry; the median difference and a
# sign test per node. Writes bench/results/publiccheck-<date>.md.
# Usage: bash bench/publiccheck/run.sh [pairs=500] [persons=20000]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
pairs="${1:-500}"
persons="${2:-20000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "building..." >&2
dotnet build "$root/src/Node" -c Release --nologo -v quiet -clp:NoSummary >&2
dotnet build "$here" -c Release --nologo -v quiet -clp:NoSummary >&2
out="$root/bench/results/publiccheck-$(date -u +%Y-%m-%d).md"
dotnet "$here/bin/Release/net10.0/Federation.Bench.PublicCheck.dll" "$pairs" "$persons" "$work" > "$work/result.md"
{
  cat "$work/result.md"
  echo
  echo "Command: \`bash bench/publiccheck/run.sh $pairs $persons\` at commit $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet || echo ' (uncommitted changes)'); $(nproc) cores, shared."
} | tee "$out"
