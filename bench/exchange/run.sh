#!/usr/bin/env bash
# Pull benchmark: a province pulls a city's sealed period snapshot over gRPC streaming
# (Exchange/StreamSnapshot → verified, committed) beside the sqlite3 tool's .backup of the
# city's database (the raw copy baseline). Peak memory of both processes is reported.
# Usage: bash bench/exchange/run.sh [persons=1000000]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
persons="${1:-1000000}"
work="$(mktemp -d)"
city_pid=""
trap '[ -n "$city_pid" ] && kill "$city_pid" 2>/dev/null; rm -rf "$work"' EXIT
# shellcheck source=../common.sh
source "$here/../common.sh"

echo "generating and sealing $persons persons..." >&2
dotnet "$gen_dll" --out "$work/export" --persons "$persons" --seed 1 --defects 0.01 > /dev/null
cat > "$work/city.json" <<JSON
{ "Node": { "Id": "city-440100", "Level": "city", "DivisionCode": "440100" }, "Server": { "Listen": "http://127.0.0.1:0" },
  "Store": { "Path": "city.db" }, "Log": { "Directory": "logs", "MinimumLevel": "Warning" } }
JSON
dotnet "$node_dll" ingest -c "$work/city.json" "$work/export" --seal 2026-10-31 --rejects "$work/rejects.csv" > "$work/seal.txt" 2>&1
records=$(grep -oE 'Sealed period 2026-10-31: [0-9,]+ records' "$work/seal.txt" | grep -oE '[0-9,]+ records' | tr -d ', records')

dotnet "$node_dll" -c "$work/city.json" --ready-file "$work/city.ready" > "$work/city.out" 2>&1 &
city_pid=$!
# Up to 2 minutes: on a shared, loaded machine the city can take well over 10 s to start.
for _ in $(seq 1200); do [ -f "$work/city.ready" ] && break; sleep 0.1; done
[ -f "$work/city.ready" ] || { cat "$work/city.out" >&2; exit 1; }
address=$(grep -oE 'http://127\.0\.0\.1:[0-9]+' "$work/city.ready")
cat > "$work/province.json" <<JSON
{ "Node": { "Id": "province-440000", "Level": "province", "DivisionCode": "440000" }, "Server": { "Listen": "http://127.0.0.1:0" },
  "Store": { "Path": "province.db" }, "Log": { "Directory": "logs", "MinimumLevel": "Warning" },
  "Children": [ { "Id": "city-440100", "DivisionCode": "440100", "Address": "$address" } ] }
JSON
/usr/bin/time -f "%e %M" -o "$work/pull.time" dotnet "$node_dll" pull -c "$work/province.json" > "$work/pull.txt" 2>&1
grep -q "received" "$work/pull.txt" || { cat "$work/pull.txt" >&2; exit 1; }
city_rss_kib=$(awk '/VmHWM/ {print $2}' "/proc/$city_pid/status")
kill "$city_pid"; wait "$city_pid" 2>/dev/null || true; city_pid=""
read -r command_s province_rss_kib < "$work/pull.time"
mib=$(grep -oE '[0-9.]+ MiB' "$work/pull.txt" | grep -oE '[0-9.]+')
# The transfer itself (manifest, stream, store, digest, commit), as the pull reports it; the
# command's total also has start-up and the province sealing its merged period afterwards.
pull_s=$(grep -oE 'MiB in [0-9.]+ s' "$work/pull.txt" | grep -oE '[0-9.]+ s' | cut -d' ' -f1)

/usr/bin/time -f "%e %M" -o "$work/backup.time" sqlite3 "$work/city.db" ".backup '$work/copy.db'"
read -r backup_s _ < "$work/backup.time"
db_mib=$(du -m "$work/city.db" | cut -f1)

date=$(date -u +%Y-%m-%d)
commit=$(git -C "$root" rev-parse --short HEAD)
report="$root/bench/results/exchange-$date.md"
{
  echo "# Pull benchmark — $date, commit $commit"
  echo
  echo "Command: \`bash bench/exchange/run.sh $persons\` on $(nproc) cores. A city of $persons persons, sealed"
  echo "snapshot of $records records (city database $db_mib MiB), pulled by its province over loopback h2c."
  echo
  echo "| copy | seconds | records/s | MiB/s | peak RSS MiB |"
  echo "|---|---:|---:|---:|---:|"
  echo "| province pulls the snapshot (stream, store, verify digest, commit) | $pull_s | $(awk -v r="$records" -v s="$pull_s" 'BEGIN {printf "%.0f", r/s}') | $(awk -v m="$mib" -v s="$pull_s" 'BEGIN {printf "%.1f", m/s}') (wire) | province $(awk -v k="$province_rss_kib" 'BEGIN {printf "%.0f", k/1024}'), city $(awk -v k="$city_rss_kib" 'BEGIN {printf "%.0f", k/1024}') |"
  echo "| the whole \`pull\` command: start-up, transfer, and the province's merged seal with findings | $command_s | | | |"
  echo "| sqlite3 .backup of the city database (baseline) | $backup_s | $(awk -v r="$records" -v s="$backup_s" 'BEGIN {printf "%.0f", r/s}') | $(awk -v m="$db_mib" -v s="$backup_s" 'BEGIN {printf "%.1f", m/s}') (file) | |"
  echo
  echo "pull / baseline speed: $(awk -v a="$backup_s" -v b="$pull_s" 'BEGIN {printf "%.0f%%", 100*a/b}')"
} | tee "$report"
