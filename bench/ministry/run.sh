#!/usr/bin/env bash
# The ministry's store at scale, SQLite beside PostgreSQL (issue 12): a province's snapshot of N
# persons received, committed, merged into the ministry's period (the merged seal), then
# verification look-ups — on each store, one after the other, in one run; the merged digests
# must be equal. Needs Debian's postgresql (scripts/install-peers.sh installs it).
# Usage: bash bench/ministry/run.sh [persons=1000000] [lookups=20000]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
persons="${1:-1000000}"
lookups="${2:-20000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
dotnet build "$here/Federation.Bench.Ministry.csproj" -c Release --nologo -v q -clp:NoSummary >/dev/null
/usr/bin/time -f "peak RSS %M KiB, %e s" dotnet "$here/bin/Release/net10.0/Federation.Bench.Ministry.dll" "$persons" "$lookups" "$work"
