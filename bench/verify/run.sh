#!/usr/bin/env bash
# Verification routing benchmark: federation.v1.Verification/VerifyCertificate sent to a city
# directly, and the same query entered at the ministry (routed ministry → province → city, two
# hops, live), in one run. Load by h2load (Debian nghttp2-client), the same request body for both:
#   saturated:  -c 4 -m 32 -t 1 for DURATION s   (throughput; latency includes queueing)
#   light load: -c 1 -m 1  -t 1 for DURATION s   (latency: per-hop cost = (ministry - city) / 2)
# Usage: bash bench/verify/run.sh [persons=100000] [duration_seconds=10]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
persons="${1:-100000}"
duration="${2:-10}"
work="$(mktemp -d)"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT
command -v h2load >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nghttp2-client >/dev/null; }
# shellcheck source=../common.sh
source "$here/../common.sh"

config() { # id level code listen children-json
  cat > "$work/$1.json" <<JSON
{ "Node": { "Id": "$1", "Level": "$2", "DivisionCode": "$3" }, "Server": { "Listen": "http://127.0.0.1:0" },
  "Store": { "Path": "$1.db" }, "Log": { "Directory": "logs", "MinimumLevel": "Warning" },
  "Exchange": { "Enabled": false }, "Children": $4 }
JSON
}
start() { # id → sets $address
  dotnet "$node_dll" -c "$work/$1.json" --ready-file "$work/$1.ready" > "$work/$1.out" 2>&1 &
  pids+=($!)
  for _ in $(seq 200); do [ -f "$work/$1.ready" ] && break; sleep 0.1; done
  [ -f "$work/$1.ready" ] || { echo "$1 did not start:" >&2; cat "$work/$1.out" >&2; exit 1; }
  sleep 0.1
  address=$(grep -oE 'http://127\.0\.0\.1:[0-9]+' "$work/$1.ready")
}

echo "generating and sealing $persons persons..." >&2
dotnet "$gen_dll" --out "$work/export" --persons "$persons" --seed 1 > /dev/null
config city-440100 city 440100 '[]'
dotnet "$node_dll" ingest -c "$work/city-440100.json" "$work/export" --seal 2026-10-31 --rejects "$work/rejects.csv" > /dev/null 2>&1
start city-440100; city="$address"
config province-440000 province 440000 "[ { \"Id\": \"city-440100\", \"DivisionCode\": \"440100\", \"Address\": \"$city\" } ]"
dotnet "$node_dll" pull -c "$work/province-440000.json" > /dev/null
start province-440000; province="$address"
config ministry ministry 000000 "[ { \"Id\": \"province-440000\", \"DivisionCode\": \"440000\", \"Address\": \"$province\" } ]"
dotnet "$node_dll" pull -c "$work/ministry.json" > /dev/null
start ministry; ministry="$address"

# The request: VerifyCertificateRequest{certificate_number} of a certificate in force, gRPC-framed.
number=$(awk -F, 'NR > 1 && $5 == "" && $7 == "1" {print $1; exit}' "$work/export/certificates.csv")
python3 - "$number" "$work/request.bin" <<'PY'
import struct, sys
payload = b"\x0a" + bytes([len(sys.argv[1])]) + sys.argv[1].encode()
open(sys.argv[2], "wb").write(b"\x00" + struct.pack(">I", len(payload)) + payload)
PY
# Check the answers first (h2load sees only HTTP status): found, live, the expected route.
fedctl="$root/src/Fedctl/bin/Release/net10.0/fedctl.dll"
dotnet build "$root/src/Fedctl" -c Release --nologo -v quiet -clp:NoSummary >&2
dotnet "$fedctl" verify cert "$number" --json --node "$ministry" > "$work/check.json"
grep -q '"route": \[ "ministry", "province-440000", "city-440100" \]' "$work/check.json" || { echo "unexpected ministry answer:" >&2; cat "$work/check.json" >&2; exit 1; }
grep -q '"freshness": "FRESHNESS_LIVE"' "$work/check.json" || { echo "the ministry's answer is not live" >&2; exit 1; }
min_bytes=$(dotnet "$fedctl" verify cert "$number" --json --node "$city" | wc -c)

percentile() { sort -n -k3,3 "$1" | awk -v p="$2" '{v[NR]=$3} END {i=int(NR*p/100); if (i<1) i=1; printf "%.2f", v[i]/1000}'; }
measure() { # name url clients streams → "rps p50 p99"
  local name=$1 url=$2 c=$3 m=$4
  local headers=(-H 'content-type: application/grpc' -H 'te: trailers')
  h2load -c "$c" -m "$m" -t 1 -D 2 -d "$work/request.bin" "${headers[@]}" "$url/federation.v1.Verification/VerifyCertificate" > /dev/null
  h2load -c "$c" -m "$m" -t 1 -D "$duration" --log-file="$work/$name.log" -d "$work/request.bin" "${headers[@]}" \
    "$url/federation.v1.Verification/VerifyCertificate" > "$work/$name.txt"
  local failed succeeded data
  failed=$(grep -oE '[0-9]+ failed' "$work/$name.txt" | cut -d' ' -f1)
  succeeded=$(grep -oE '[0-9]+ succeeded' "$work/$name.txt" | cut -d' ' -f1)
  data=$(grep -oE '\([0-9]+\) data' "$work/$name.txt" | grep -oE '[0-9]+')
  # Every answer carries the holder (hundreds of bytes); an error answer is trailers only.
  if [ "$failed" != "0" ] || [ "$data" -lt $((succeeded * 100)) ]; then
    echo "$name: not every answer is a gRPC success (failed=$failed, data=$data for $succeeded)" >&2; exit 1
  fi
  echo "$(grep -oE '[0-9.]+ req/s' "$work/$name.txt" | cut -d' ' -f1) $(percentile "$work/$name.log" 50) $(percentile "$work/$name.log" 99)"
}
read -r city_rps city_p50 city_p99 <<< "$(measure city-saturated "$city" 4 32)"
read -r min_rps min_p50 min_p99 <<< "$(measure ministry-saturated "$ministry" 4 32)"
read -r city_rps1 city_p50_1 city_p99_1 <<< "$(measure city-light "$city" 1 1)"
read -r min_rps1 min_p50_1 min_p99_1 <<< "$(measure ministry-light "$ministry" 1 1)"

date=$(date -u +%Y-%m-%d)
commit=$(git -C "$root" rev-parse --short HEAD)
report="$root/bench/results/verify-$date.md"
{
  echo "# Verification routing benchmark — $date, commit $commit"
  echo
  echo "Command: \`bash bench/verify/run.sh $persons $duration\` on $(nproc) cores (all three nodes and h2load share them)."
  echo "VerifyCertificate of one certificate in force (answer ~$min_bytes bytes as JSON), at the city directly and"
  echo "entered at the ministry (ministry → province → city, live, checked before measuring); loopback h2c."
  echo
  echo "| entered at | load | req/s | p50 ms | p99 ms |"
  echo "|---|---|---:|---:|---:|"
  echo "| city (0 hops) | h2load -c 4 -m 32 | $city_rps | $city_p50 | $city_p99 |"
  echo "| ministry (2 hops) | h2load -c 4 -m 32 | $min_rps | $min_p50 | $min_p99 |"
  echo "| city (0 hops) | h2load -c 1 -m 1 | $city_rps1 | $city_p50_1 | $city_p99_1 |"
  echo "| ministry (2 hops) | h2load -c 1 -m 1 | $min_rps1 | $min_p50_1 | $min_p99_1 |"
  echo
  echo "Routing cost per hop at light load: p50 $(awk -v a="$min_p50_1" -v b="$city_p50_1" 'BEGIN {printf "%.2f", (a-b)/2}') ms, p99 $(awk -v a="$min_p99_1" -v b="$city_p99_1" 'BEGIN {printf "%.2f", (a-b)/2}') ms (aim: ≤ 1 ms p99 per hop)."
} | tee "$report"
