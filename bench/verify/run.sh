#!/usr/bin/env bash
# Verification routing benchmark: federation.v1.Verification/VerifyCertificate sent to a city
# directly, and the same query entered at the ministry (routed ministry → province → city, two
# hops, live), in one run — for this build (mutual TLS between the nodes, every call
# authenticated, authorised and audited at every node it reaches) and, beside it on the same
# machine minutes apart, for a baseline commit from before security (cleartext h2c, no
# authorisation, no audit). Load by h2load (Debian nghttp2-client), the same request body:
#   saturated:  -c 4 -m 32 -t 1 for DURATION s   (throughput; latency includes queueing)
#   light load: -c 1 -m 1  -t 1 for DURATION s   (latency: per-hop cost = (ministry - city) / 2)
# h2load cannot present a client certificate: the caller's hop is TLS with an API token (the
# account `bench`, verifier nationally); the node-to-node hops are mutual TLS.
# Usage: bash bench/verify/run.sh [persons=100000] [duration_seconds=10] [baseline_commit=f7dfae5|none]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
persons="${1:-100000}"
duration="${2:-10}"
baseline="${3:-f7dfae5}"
work="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -d "$work/baseline" ] && git -C "$root" worktree remove --force "$work/baseline" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
command -v h2load >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nghttp2-client >/dev/null; }
# shellcheck source=../common.sh
source "$here/../common.sh"
fedctl="$root/src/Fedctl/bin/Release/net10.0/fedctl.dll"
dotnet build "$root/src/Fedctl" -c Release --nologo -v quiet -clp:NoSummary >&2

echo "generating $persons persons (one export for both builds)..." >&2
dotnet "$gen_dll" --out "$work/export" --persons "$persons" --seed 1 > /dev/null
number=$(awk -F, 'NR > 1 && $5 == "" && $7 == "1" {print $1; exit}' "$work/export/certificates.csv")
# The request: VerifyCertificateRequest{certificate_number} of a certificate in force, gRPC-framed.
python3 - "$number" "$work/request.bin" <<'PY'
import struct, sys
payload = b"\x0a" + bytes([len(sys.argv[1])]) + sys.argv[1].encode()
open(sys.argv[2], "wb").write(b"\x00" + struct.pack(">I", len(payload)) + payload)
PY

percentile() { sort -n -k3,3 "$1" | awk -v p="$2" '{v[NR]=$3} END {i=int(NR*p/100); if (i<1) i=1; printf "%.2f", v[i]/1000}'; }

# Runs the three-node tree of one build and measures it. Sets rows[] ("load req/s p50 p99").
bench_tree() { # label node_dll secure(0|1)
  local label=$1 dll=$2 secure=$3 dir="$work/$1"
  mkdir -p "$dir"
  if [ "$secure" = 1 ]; then
    dotnet "$dll" pki init --dir "$dir/pki" > /dev/null
    for n in "city-440100 440100" "province-440000 440000" "ministry 000000"; do
      set -- $n; dotnet "$dll" pki node --dir "$dir/pki" --id "$1" --division "$2" > /dev/null
    done
  fi
  config() { # id level code parent children-json
    local server='"Listen": "http://127.0.0.1:0"' security='' parent=''
    if [ "$secure" = 1 ]; then
      server="\"Listen\": \"https://127.0.0.1:0\", \"Tls\": { \"CertificatePath\": \"pki/$1.pem\", \"KeyPath\": \"pki/$1.key\", \"ClientCaPath\": \"pki/ca.pem\" }"
      security=', "Security": { "CrlPath": "pki/crl.pem" }'
      [ -n "$4" ] && parent=", \"ParentId\": \"$4\""
    fi
    cat > "$dir/$1.json" <<JSON
{ "Node": { "Id": "$1", "Level": "$2", "DivisionCode": "$3"$parent }, "Server": { $server }$security,
  "Store": { "Path": "$1.db" }, "Log": { "Directory": "logs", "MinimumLevel": "Warning" },
  "Exchange": { "Enabled": false }, "Children": $5 }
JSON
  }
  start() { # id → sets $address
    dotnet "$dll" -c "$dir/$1.json" --ready-file "$dir/$1.ready" > "$dir/$1.out" 2>&1 &
    pids+=($!)
    for _ in $(seq 300); do [ -f "$dir/$1.ready" ] && break; sleep 0.1; done
    [ -f "$dir/$1.ready" ] || { echo "$label: $1 did not start:" >&2; cat "$dir/$1.out" >&2; exit 1; }
    sleep 0.1
    address=$(grep -oE 'https?://127\.0\.0\.1:[0-9]+' "$dir/$1.ready")
  }
  local token_city='' token_ministry='' city province ministry
  echo "$label: importing, sealing, pulling..." >&2
  config city-440100 city 440100 province-440000 '[]'
  dotnet "$dll" ingest -c "$dir/city-440100.json" "$work/export" --seal 2026-10-31 --rejects "$dir/rejects.csv" > /dev/null 2>&1
  start city-440100; city="$address"
  config province-440000 province 440000 ministry "[ { \"Id\": \"city-440100\", \"DivisionCode\": \"440100\", \"Address\": \"$city\" } ]"
  dotnet "$dll" pull -c "$dir/province-440000.json" > /dev/null
  start province-440000; province="$address"
  config ministry ministry 000000 '' "[ { \"Id\": \"province-440000\", \"DivisionCode\": \"440000\", \"Address\": \"$province\" } ]"
  dotnet "$dll" pull -c "$dir/ministry.json" > /dev/null
  start ministry; ministry="$address"
  local sign_city=() sign_ministry=() auth_city=() auth_ministry=()
  if [ "$secure" = 1 ]; then
    # Accounts are read from the security database by the running node (it sees another process's commit).
    token_city=$(dotnet "$dll" accounts add -c "$dir/city-440100.json" --id bench --name Bench --post benchmark --role verifier:000000 --token | grep -oE 'fed_[A-Za-z0-9_-]+')
    token_ministry=$(dotnet "$dll" accounts add -c "$dir/ministry.json" --id bench --name Bench --post benchmark --role verifier:000000 --token | grep -oE 'fed_[A-Za-z0-9_-]+')
    sleep 1.5 # a running node reads accounts another process added within a second
    sign_city=(--ca "$dir/pki/ca.pem" --token "$token_city"); sign_ministry=(--ca "$dir/pki/ca.pem" --token "$token_ministry")
    auth_city=(-H "authorization: Bearer $token_city"); auth_ministry=(-H "authorization: Bearer $token_ministry")
  fi
  # Check the answers first (h2load sees only HTTP status): found, live, the expected route.
  dotnet "$fedctl" verify cert "$number" --json --node "$ministry" "${sign_ministry[@]}" > "$dir/check.json"
  python3 - "$dir/check.json" <<'PY' || { echo "$label: unexpected ministry answer:" >&2; cat "$dir/check.json" >&2; exit 1; }
import json, sys
source = json.load(open(sys.argv[1]))["provenance"]["sources"][0]
assert source["route"] == ["ministry", "province-440000", "city-440100"] and source["freshness"] == "FRESHNESS_LIVE", source
PY
  measure() { # name url clients streams auth... → "rps p50 p99"
    local name=$1 url=$2 c=$3 m=$4; shift 4
    local headers=(-H 'content-type: application/grpc' -H 'te: trailers' "$@")
    h2load -c "$c" -m "$m" -t 1 -D 2 -d "$work/request.bin" "${headers[@]}" "$url/federation.v1.Verification/VerifyCertificate" > /dev/null
    h2load -c "$c" -m "$m" -t 1 -D "$duration" --log-file="$dir/$name.log" -d "$work/request.bin" "${headers[@]}" \
      "$url/federation.v1.Verification/VerifyCertificate" > "$dir/$name.txt"
    local failed succeeded data
    failed=$(grep -oE '[0-9]+ failed' "$dir/$name.txt" | cut -d' ' -f1)
    succeeded=$(grep -oE '[0-9]+ succeeded' "$dir/$name.txt" | cut -d' ' -f1)
    data=$(grep -oE '\([0-9]+\) data' "$dir/$name.txt" | grep -oE '[0-9]+')
    # Every answer carries the holder (hundreds of bytes); an error answer (a refusal too) is trailers only.
    if [ "$failed" != "0" ] || [ "$data" -lt $((succeeded * 100)) ]; then
      echo "$label $name: not every answer is a gRPC success (failed=$failed, data=$data for $succeeded)" >&2; exit 1
    fi
    echo "$(grep -oE '[0-9.]+ req/s' "$dir/$name.txt" | cut -d' ' -f1) $(percentile "$dir/$name.log" 50) $(percentile "$dir/$name.log" 99)"
  }
  rows=(
    "city (0 hops)|h2load -c 4 -m 32|$(measure city-saturated "$city" 4 32 "${auth_city[@]}")"
    "ministry (2 hops)|h2load -c 4 -m 32|$(measure ministry-saturated "$ministry" 4 32 "${auth_ministry[@]}")"
    "city (0 hops)|h2load -c 1 -m 1|$(measure city-light "$city" 1 1 "${auth_city[@]}")"
    "ministry (2 hops)|h2load -c 1 -m 1|$(measure ministry-light "$ministry" 1 1 "${auth_ministry[@]}")"
  )
  if [ "$secure" = 1 ]; then
    audited=$(sqlite3 "$dir/city-440100.security.db" "SELECT count(*) FROM audit")
    dotnet "$dll" audit verify -c "$dir/city-440100.json" >&2
  fi
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  pids=()
}

table() { # rows...
  echo "| entered at | load | req/s | p50 ms | p99 ms |"
  echo "|---|---|---:|---:|---:|"
  for row in "$@"; do
    IFS='|' read -r at load figures <<< "$row"; read -r rps p50 p99 <<< "$figures"
    echo "| $at | $load | $rps | $p50 | $p99 |"
  done
}
per_hop() { # rows… → "p50 p99" per hop at light load
  local city ministry; read -r _ c50 c99 <<< "${3##*|}"; read -r _ m50 m99 <<< "${4##*|}"
  awk -v a="$m50" -v b="$c50" -v c="$m99" -v d="$c99" 'BEGIN {printf "p50 %.2f ms, p99 %.2f ms", (a-b)/2, (c-d)/2}'
}

bench_tree secured "$node_dll" 1
secured=("${rows[@]}")
if [ "$baseline" != none ]; then
  echo "building the baseline $baseline in a worktree..." >&2
  git -C "$root" worktree add --detach "$work/baseline" "$baseline" >/dev/null 2>&1
  dotnet build "$work/baseline/src/Node" -c Release --nologo -v quiet -clp:NoSummary >&2
  bench_tree cleartext "$work/baseline/src/Node/bin/Release/net10.0/Federation.Node.dll" 0
  cleartext=("${rows[@]}")
fi

date=$(date -u +%Y-%m-%d)
commit=$(git -C "$root" rev-parse --short HEAD)
report="$root/bench/results/verify-$date.md"
ratio() { # secured-row cleartext-row → throughput ratio in %
  read -r s _ _ <<< "${1##*|}"; read -r c _ _ <<< "${2##*|}"
  awk -v s="$s" -v c="$c" 'BEGIN {printf "%.0f %%", 100*s/c}'
}
{
  echo "# Verification routing benchmark — $date, commit $commit"
  echo
  echo "Command: \`bash bench/verify/run.sh $persons $duration $baseline\` on $(nproc) cores (all three nodes and h2load share them)."
  echo "VerifyCertificate of one certificate in force, at the city directly and entered at the ministry"
  echo "(ministry → province → city, live, checked before measuring)."
  echo
  echo "This build: mutual TLS between the nodes; the caller's hop TLS with an API token (h2load presents no"
  echo "client certificate); every call authenticated, authorised and audited at each node it reaches (the"
  echo "owning city authorises the forwarded call for the original caller). The city's audit log held"
  echo "$audited entries afterwards, and its chain verified."
  echo
  table "${secured[@]}"
  echo
  echo "Routing cost per hop at light load: $(per_hop "${secured[@]}")."
  if [ "$baseline" != none ]; then
    echo
    echo "Baseline $baseline (before security: cleartext h2c, no authorisation, no audit), same run:"
    echo
    table "${cleartext[@]}"
    echo
    echo "Routing cost per hop at light load: $(per_hop "${cleartext[@]}")."
    echo
    echo "Throughput of this build against the baseline: saturated city $(ratio "${secured[0]}" "${cleartext[0]}"), saturated ministry $(ratio "${secured[1]}" "${cleartext[1]}"), light city $(ratio "${secured[2]}" "${cleartext[2]}"), light ministry $(ratio "${secured[3]}" "${cleartext[3]}") (aim: ≥ 70 %)."
  fi
} | tee "$report"
