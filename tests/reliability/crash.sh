#!/usr/bin/env bash
# The full crash campaign (issue 25, item 1; docs/reliability.md): N kill -9 (default 100) at random
# moments across import, seal, pull (child and parent), merged seal, resync, backup, restore, the
# registration feed (city, province, ministry), the audit writer and account changes, each followed
# by a restart and the invariant checks. The same test runs in CI in light mode (one kill per phase).
# Usage: bash tests/reliability/crash.sh [kills=100] [seed=random] [report=bench/results/crash-<date>.txt]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
kills="${1:-100}"
seed="${2:-$(( (RANDOM << 15) | RANDOM ))}"
report="${3:-$root/bench/results/crash-$(date -u +%F).txt}"
project="$root/tests/Federation.Tests/Federation.Tests.csproj"
dotnet build "$project" -c Release --nologo -v quiet -clp:NoSummary
echo "crash: $kills kills, seed $seed, report in $report" >&2
echo "# $(date -u +%FT%TZ) commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'): bash tests/reliability/crash.sh $kills $seed ($(nproc) cores)" >> "$report"
status=0
FEDERATION_CRASH_KILLS="$kills" FEDERATION_CRASH_SEED="$seed" FEDERATION_CRASH_REPORT="$report" \
  dotnet test "$project" -c Release --no-build --nologo --filter "FullyQualifiedName~Federation.Tests.Reliability.CrashCampaignTests" || status=1
tail -n 20 "$report"
exit "$status"
