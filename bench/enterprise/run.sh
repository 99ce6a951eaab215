#!/usr/bin/env bash
# Enterprise monitoring benchmark (issue 13): a sample of N enterprises × M months (Guangdong's
# target sample is 10,000) imported by the node's interface program with full validation and
# sealed, then the national summary of the last month computed from the sealed period — beside
# sqlite3 importing the same CSV files into plain tables and computing the same group totals
# (total, by city, by industry section, with the previous month and the same month last year)
# with one SQL query. The script checks that both give the same totals.
# Usage: bash bench/enterprise/run.sh [enterprises=10000] [months=12]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
enterprises="${1:-10000}"
months="${2:-12}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# shellcheck source=../common.sh
source "$here/../common.sh"
command -v jq >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq jq >/dev/null; }

month=2026-10
echo "generating $enterprises enterprises × $months months..." >&2
dotnet "$gen_dll" --out "$work/gen" --persons 1 --enterprises "$enterprises" --months "$months" --seed 1 > "$work/gen.txt"
mkdir -p "$work/export"
mv "$work/gen/enterprises.csv" "$work/gen/enterprise_reports.csv" "$work/export/"
reports=$(($(wc -l < "$work/export/enterprise_reports.csv") - 1))

mkdir -p "$work/ours"
printf '{ "Node": { "Id": "city-440100", "Level": "city", "DivisionCode": "440100" }, "Store": { "Path": "node.db" }, "Log": { "Directory": "logs", "MinimumLevel": "Warning" } }' > "$work/ours/city.json"
echo "ours: import and seal..." >&2
/usr/bin/time -f "%e %M" -o "$work/ours/import.time" dotnet "$node_dll" ingest -c "$work/ours/city.json" "$work/export" --seal 2026-10-31 --rejects "$work/ours/rejects.csv" > "$work/ours/import.out"
echo "ours: summary..." >&2
/usr/bin/time -f "%e %M" -o "$work/ours/startup.time" dotnet "$node_dll" periods -c "$work/ours/city.json" > /dev/null
/usr/bin/time -f "%e %M" -o "$work/ours/summary.time" dotnet "$node_dll" enterprises -c "$work/ours/city.json" --month "$month" > "$work/ours/summary.json"

echo "sqlite3: import and one query..." >&2
/usr/bin/time -f "%e %M" -o "$work/sqlite-import.time" sqlite3 "$work/baseline.db" \
  ".import --csv $work/export/enterprises.csv enterprises" ".import --csv $work/export/enterprise_reports.csv enterprise_reports"
cat > "$work/summary.sql" <<SQL
WITH r AS (
  SELECT e.handling_division AS hd, substr(e.industry, 1, 1) AS section, r.survey_month AS m,
         CAST(r.baseline_count AS INTEGER) AS b, CAST(r.current_count AS INTEGER) AS c
  FROM enterprise_reports r JOIN enterprises e ON e.credit_code = r.credit_code
  WHERE r.valid = '1' AND e.valid = '1' AND r.survey_month IN ('$month', '2026-09', '2025-10')),
g AS (
  SELECT 'total' AS kind, '' AS key, * FROM r
  UNION ALL SELECT 'city', substr(hd, 1, 4) || '00', * FROM r
  UNION ALL SELECT 'industry', section, * FROM r)
SELECT kind, key, sum(m = '$month') AS enterprises,
  sum(CASE WHEN m = '$month' THEN b END) AS baseline, sum(CASE WHEN m = '$month' THEN c END) AS current,
  round(100.0 * (sum(CASE WHEN m = '$month' THEN c END) - sum(CASE WHEN m = '$month' THEN b END)) / sum(CASE WHEN m = '$month' THEN b END), 2) AS pct,
  sum(m = '$month' AND c < b) AS reducing, sum(CASE WHEN m = '$month' AND c < b THEN b - c END) AS reduced,
  sum(CASE WHEN m = '2026-09' THEN c END) AS previous, sum(CASE WHEN m = '2025-10' THEN c END) AS last_year
FROM g GROUP BY kind, key ORDER BY kind, key;
SQL
/usr/bin/time -f "%e %M" -o "$work/sqlite-query.time" sqlite3 -csv "$work/baseline.db" < "$work/summary.sql" > "$work/sqlite-summary.csv"

ours_total=$(jq -r '.total | "\(.enterprises),\(.baseline),\(.current),\(.changePct),\(.reducingEnterprises),\(.peopleReduced)"' "$work/ours/summary.json")
sqlite_total=$(grep '^total,' "$work/sqlite-summary.csv" | awk -F, '{printf "%s,%s,%s,%.2f,%s,%s", $3, $4, $5, $6, $7, $8}')
[ "$ours_total" = "$sqlite_total" ] || { echo "the totals differ: ours $ours_total, sqlite3 $sqlite_total" >&2; exit 1; }
ours_industries=$(jq -r '.byIndustry[] | "\(.key),\(.enterprises),\(.baseline),\(.current)"' "$work/ours/summary.json")
sqlite_industries=$(grep '^industry,' "$work/sqlite-summary.csv" | cut -d, -f2-5)
[ "$ours_industries" = "$sqlite_industries" ] || { echo "the industry totals differ" >&2; exit 1; }

t() { cut -d' ' -f1 "$1"; }
m() { awk '{printf "%.0f", $2/1024}' "$1"; }
cat <<REPORT
# Enterprise monitoring: $enterprises enterprises × $months months ($reports reports), $(date -u +%Y-%m-%d)

Machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB. Totals checked equal: enterprises,baseline,current,change %,reducing,people reduced = $ours_total; every industry section's totals equal.

| step | ours | sqlite3 baseline |
|---|---|---|
| import (ours: validation of every field against the code tables and the sample entry, staged in one transaction, then sealed with its digest; sqlite3: \`.import\` into plain untyped tables) | $(t "$work/ours/import.time") s, peak RSS $(m "$work/ours/import.time") MiB | $(t "$work/sqlite-import.time") s |
| summary of $month (ours: the \`enterprises\` command — process start, open, read 3 months of the sealed period, totals, by city, by industry, types, reasons, comparisons, early-warning list; sqlite3: one query for the group totals) | $(t "$work/ours/summary.time") s (of which process start and store open, measured by \`periods\`: $(t "$work/ours/startup.time") s), peak RSS $(m "$work/ours/summary.time") MiB | $(t "$work/sqlite-query.time") s |

Early warnings in $month: $(jq '.earlyWarnings | length' "$work/ours/summary.json"). Rejected rows: $(($(wc -l < "$work/ours/rejects.csv") - 1)).
REPORT
