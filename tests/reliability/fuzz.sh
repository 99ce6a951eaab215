#!/usr/bin/env bash
# The full fuzzing run (issue 25, item 2; tests/reliability/README.md): each target in turn, with
# N executions (default 1 000 000) from one seed (default: a random one, printed), figures appended
# to a results file. The same tests run in CI in light mode (a few thousand executions each).
# Usage: bash tests/reliability/fuzz.sh [executions=1000000] [seed=random] [results=bench/results/fuzz-<date>.txt]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
executions="${1:-1000000}"
seed="${2:-$(( (RANDOM << 15) | RANDOM ))}"
results="${3:-$root/bench/results/fuzz-$(date -u +%F).txt}"
project="$root/tests/Federation.Node.Tests/Federation.Node.Tests.csproj"
dotnet build "$project" -c Release --nologo -v quiet -clp:NoSummary
echo "fuzz: $executions executions per target, seed $seed, results in $results" >&2
echo "# $(date -u +%FT%TZ) commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'): bash tests/reliability/fuzz.sh $executions $seed ($(nproc) cores)" >> "$results"
status=0
for test in ImportFuzzTests.Csv_ ImportFuzzTests.JsonLines_ SnapshotDecoderFuzzTests.PackedBatches_ ConfigFuzzTests.NodeConfig_ IdParserFuzzTests.Numbers_; do
  FEDERATION_FUZZ_EXECUTIONS="$executions" FEDERATION_FUZZ_SEED="$seed" FEDERATION_FUZZ_REPORT="$results" \
    dotnet test "$project" -c Release --no-build --nologo --filter "FullyQualifiedName~Federation.Node.Tests.Reliability.$test" || status=1
done
cat "$results"
exit "$status"
