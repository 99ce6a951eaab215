#!/usr/bin/env bash
# Import benchmark: a generated city export (persons with all their registrations, 1% defective
# rows of every kind) imported by the node's interface program with full validation, beside the
# sqlite3 command-line tool's .import of the same CSV files — into plain tables (the raw-write
# baseline of the issue) and into keyed tables shaped like ours (same primary keys and indexes).
# Peak memory (max RSS) is measured at two input sizes to show it stays flat.
# Usage: bash bench/store/run.sh [persons=1000000] [small_persons=250000]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
persons="${1:-1000000}"
small="${2:-250000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# shellcheck source=../common.sh
source "$here/../common.sh"
datasets="persons employers certificates employment unemployment assistance policies benefits"

generate() { # persons dir
  dotnet "$gen_dll" --out "$2" --persons "$1" --seed 1 --defects 0.01 > "$2.gen.txt"
}
rows_of() { local total=0; for d in $datasets; do total=$((total + $(wc -l < "$1/$d.csv") - 1)); done; echo "$total"; }
seconds_of() { grep -oE '^[0-9.]+' "$1"; }
rss_mib_of() { awk '{printf "%.0f", $2/1024}' "$1"; }

ours() { # export dir → "seconds rss_mib"
  local dir="$work/ours-$(basename "$1")"
  mkdir -p "$dir"
  printf '{ "Node": { "Id": "city-440100", "Level": "city", "DivisionCode": "440100" }, "Store": { "Path": "node.db" }, "Log": { "Directory": "logs", "MinimumLevel": "Warning" } }' > "$dir/city.json"
  /usr/bin/time -f "%e %M" -o "$dir/time.txt" dotnet "$node_dll" ingest -c "$dir/city.json" "$1" --rejects "$dir/rejects.csv" > "$dir/out.txt" 2> "$dir/err.txt"
  cat "$dir/time.txt"
}

sqlite_import() { # export dir, keyed(0/1) → "seconds rss_kib"
  local dir="$work/sqlite-$2-$(basename "$1")"
  mkdir -p "$dir"
  {
    if [ "$2" = 1 ]; then
      # the same shape as the node's staging tables: natural primary keys, citizen indexes
      echo "CREATE TABLE persons(citizen_id TEXT PRIMARY KEY, name, sex, birth_date, household_division, household_nature, handling_division, valid) WITHOUT ROWID;"
      echo "CREATE TABLE employers(credit_code TEXT PRIMARY KEY, name, industry, division, handling_division, valid) WITHOUT ROWID;"
      echo "CREATE TABLE certificates(certificate_number TEXT PRIMARY KEY, citizen_id, issue_date, issuing_division, cancel_date, handling_division, valid) WITHOUT ROWID;"
      echo "CREATE TABLE employment(registration_id TEXT PRIMARY KEY, citizen_id, form, employer_credit_code, start_date, end_date, handling_division, valid) WITHOUT ROWID;"
      echo "CREATE TABLE unemployment(registration_id TEXT PRIMARY KEY, citizen_id, category, register_date, cancel_date, cancel_reason, handling_division, valid) WITHOUT ROWID;"
      echo "CREATE TABLE assistance(recognition_id TEXT PRIMARY KEY, citizen_id, difficulty_type, recognized_date, exit_date, exit_reason, handling_division, valid) WITHOUT ROWID;"
      echo "CREATE TABLE policies(enjoyment_id TEXT PRIMARY KEY, citizen_id, policy_code, start_date, end_date, amount, handling_division, valid) WITHOUT ROWID;"
      echo "CREATE TABLE benefits(benefit_id TEXT PRIMARY KEY, citizen_id, start_date, end_date, monthly_amount, handling_division, valid) WITHOUT ROWID;"
      for d in certificates employment unemployment assistance policies benefits; do echo "CREATE INDEX ${d}_citizen ON $d(citizen_id);"; done
    fi
    echo ".mode csv"
    for d in $datasets; do
      if [ "$2" = 1 ]; then echo ".import --skip 1 $1/$d.csv $d"; else echo ".import $1/$d.csv $d"; fi
    done
  } > "$dir/import.sql"
  # keyed tables refuse the few duplicate keys the defects contain; that is expected, not a failure
  /usr/bin/time -f "%e %M" -o "$dir/time.txt" sqlite3 -bail "$dir/base.db" < "$dir/import.sql" > /dev/null 2>&1 || true
  cat "$dir/time.txt"
}

echo "generating $persons and $small persons..." >&2
generate "$persons" "$work/big"
generate "$small" "$work/small"
big_rows=$(rows_of "$work/big")
small_rows=$(rows_of "$work/small")

read -r ours_s ours_kib <<< "$(ours "$work/big")"
read -r _ ours_small_kib <<< "$(ours "$work/small")"
read -r plain_s plain_kib <<< "$(sqlite_import "$work/big" 0)"
read -r keyed_s keyed_kib <<< "$(sqlite_import "$work/big" 1)"
rejected=$(grep -E '^total' "$work/ours-big/out.txt" | awk '{print $5}')

rate() { awk -v r="$1" -v s="$2" 'BEGIN {printf "%.0f", r/s}'; }
ours_rate=$(rate "$big_rows" "$ours_s")
plain_rate=$(rate "$big_rows" "$plain_s")
keyed_rate=$(rate "$big_rows" "$keyed_s")
date=$(date -u +%Y-%m-%d)
commit=$(git -C "$root" rev-parse --short HEAD)
report="$root/bench/results/store-$date.md"
{
  echo "# Import benchmark — $date, commit $commit"
  echo
  echo "Command: \`bash bench/store/run.sh $persons $small\` on $(nproc) cores. Export: $persons persons with their"
  echo "registrations, $big_rows rows in 8 CSV files, 1% defective rows of every kind ($rejected rejected)."
  echo
  echo "| import | seconds | rows/s | vs sqlite3 plain | peak RSS MiB |"
  echo "|---|---:|---:|---:|---:|"
  echo "| Federation.Node ingest (full validation, keyed upsert, one transaction) | $ours_s | $ours_rate | $(awk -v a="$ours_rate" -v b="$plain_rate" 'BEGIN {printf "%.0f%%", 100*a/b}') | $(awk -v k="$ours_kib" 'BEGIN {printf "%.0f", k/1024}') |"
  echo "| sqlite3 .import into plain tables (baseline) | $plain_s | $plain_rate | 100% | $(awk -v k="$plain_kib" 'BEGIN {printf "%.0f", k/1024}') |"
  echo "| sqlite3 .import into keyed tables shaped like ours | $keyed_s | $keyed_rate | $(awk -v a="$keyed_rate" -v b="$plain_rate" 'BEGIN {printf "%.0f%%", 100*a/b}') | $(awk -v k="$keyed_kib" 'BEGIN {printf "%.0f", k/1024}') |"
  echo
  echo "Peak memory of our import: $(awk -v k="$ours_small_kib" 'BEGIN {printf "%.0f", k/1024}') MiB for $small persons ($small_rows rows),"
  echo "$(awk -v k="$ours_kib" 'BEGIN {printf "%.0f", k/1024}') MiB for $persons persons ($big_rows rows)."
} | tee "$report"
