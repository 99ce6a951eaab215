#!/usr/bin/env bash
# Anonymous grpc.health.v1.Health/Check throughput of one city node (issue 20 item 6): h2load
# (Debian nghttp2-client) -c 4 -m 32 against the node on cleartext loopback (h2c), after a 2 s
# warm-up. Check answers from the published results; it used to run the checks per call (a file
# written and deleted in the upload spool, a store read). The script fails unless every answer is
# a gRPC success with SERVING (7 bytes of DATA each: the 5-byte frame header and status 1).
# Usage: bash bench/health/run.sh [duration_seconds=10] [node_dll=this build's]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
duration="${1:-10}"
dll="${2:-}"
command -v h2load >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nghttp2-client >/dev/null; }
if [ -z "$dll" ]; then
  echo "building..." >&2
  dotnet build "$root/src/Node" -c Release --nologo -v quiet -clp:NoSummary >&2
  dll="$root/src/Node/bin/Release/net10.0/Federation.Node.dll"
fi
work="$(mktemp -d)"
pid=''
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
cat > "$work/city.json" <<JSON
{ "Node": { "Id": "city-440100", "Level": "city", "DivisionCode": "440100" }, "Server": { "Listen": "http://127.0.0.1:0" },
  "Store": { "Path": "city.db" }, "Log": { "Directory": "logs" }, "Exchange": { "Enabled": false } }
JSON
dotnet "$dll" --config "$work/city.json" --ready-file "$work/city.ready" > "$work/city.out" 2>&1 &
pid=$!
for _ in $(seq 600); do [ -f "$work/city.ready" ] && break; sleep 0.1; done
[ -f "$work/city.ready" ] || { echo "the node did not start:" >&2; cat "$work/city.out" >&2; exit 1; }
address=$(grep -oE 'http://127\.0\.0\.1:[0-9]+' "$work/city.ready" | head -1)
printf '\x00\x00\x00\x00\x00' > "$work/request.bin" # HealthCheckRequest{} (the node as a whole), gRPC-framed
headers=(-H 'content-type: application/grpc' -H 'te: trailers')
h2load -c 4 -m 32 -t 1 -D 2 -d "$work/request.bin" "${headers[@]}" "$address/grpc.health.v1.Health/Check" > /dev/null
h2load -c 4 -m 32 -t 1 -D "$duration" -d "$work/request.bin" "${headers[@]}" "$address/grpc.health.v1.Health/Check" > "$work/h2load.txt"
failed=$(grep -oE '[0-9]+ failed' "$work/h2load.txt" | cut -d' ' -f1)
succeeded=$(grep -oE '[0-9]+ succeeded' "$work/h2load.txt" | cut -d' ' -f1)
data=$(grep -oE '\([0-9]+\) data' "$work/h2load.txt" | grep -oE '[0-9]+')
if [ "$failed" != "0" ] || [ "$data" != $((succeeded * 7)) ]; then
  echo "not every answer was SERVING (failed=$failed, data=$data for $succeeded)" >&2; cat "$work/h2load.txt" >&2; exit 1
fi
echo "$(grep -oE '[0-9.]+ req/s' "$work/h2load.txt" | cut -d' ' -f1) req/s: $succeeded SERVING answers in $duration s (h2load -c 4 -m 32 -t 1, $dll, $(nproc) cores shared)"
