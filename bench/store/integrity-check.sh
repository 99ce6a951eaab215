#!/usr/bin/env bash
# The cost of the store's start-up check (issue 25; docs/reliability.md): a generated city export
# loaded by sqlite3 into keyed tables shaped like the store's, then PRAGMA quick_check (what the
# node runs at every open) and PRAGMA integrity_check (what a backup's verification runs) timed.
# Usage: bash bench/store/integrity-check.sh [persons=1000000]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
persons="${1:-1000000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# shellcheck source=../common.sh
source "$here/../common.sh"
datasets="persons certificates employment unemployment assistance policies benefits employers"
dotnet "$gen_dll" --out "$work/export" --city 440100 --persons "$persons" --seed 1 --defects 0.01 > /dev/null
{
  for d in $datasets; do
    cols=$(head -1 "$work/export/$d.csv")
    echo "CREATE TABLE $d(${cols}, PRIMARY KEY(${cols%%,*})) WITHOUT ROWID;"
  done
  for d in certificates employment unemployment assistance policies benefits; do echo "CREATE INDEX ${d}_citizen ON $d(citizen_id);"; done
  echo ".mode csv"
  for d in $datasets; do echo ".import --skip 1 $work/export/$d.csv $d"; done
} > "$work/import.sql"
# keyed tables refuse the few duplicate keys the defects contain; expected
sqlite3 "$work/big.db" < "$work/import.sql" > /dev/null 2>&1 || true
sync
echo "store file: $(( $(stat -c %s "$work/big.db") / 1048576 )) MiB, $(sqlite3 "$work/big.db" "SELECT (SELECT count(*) FROM persons)+(SELECT count(*) FROM certificates)+(SELECT count(*) FROM employment)+(SELECT count(*) FROM unemployment)+(SELECT count(*) FROM assistance)+(SELECT count(*) FROM policies)+(SELECT count(*) FROM benefits)+(SELECT count(*) FROM employers)") rows"
for check in quick_check integrity_check; do
  /usr/bin/time -f "$check: %e s elapsed, %U s user CPU, %M KiB max RSS" sqlite3 "$work/big.db" "PRAGMA $check;" 2>&1 | tail -2
done
