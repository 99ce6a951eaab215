#!/usr/bin/env bash
# Unary and server-streaming throughput of two gRPC servers with the same trivial handlers,
# driven by one independent load generator (h2load, Debian nghttp2-client), in one run:
#   ours    bench/rpc/server (the official grpc-dotnet stack, Grpc.AspNetCore on Kestrel, as the
#           nodes run it), Release build
#   cpp     bench/rpc/cpp/server.cc (Debian libgrpc++-dev, callback API) — the baseline
# Unary: grpc.testing.TestService/EmptyCall, h2load -c 4 -m 32 -t 1 for DURATION seconds after a
# warm-up; p50/p99 from h2load's per-request log. Streaming: StreamingOutputCall asking for
# 64 x 64 KiB responses (4 MiB per call), -c 1 -m 4.
# Usage: bash bench/rpc/run.sh [duration_seconds]   → prints a table, writes bench/results/rpc-<date>.md
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
duration="${1:-10}"
work="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

need=()
command -v h2load >/dev/null || need+=(nghttp2-client)
command -v grpc_cpp_plugin >/dev/null || need+=(protobuf-compiler-grpc)
pkg-config --exists grpc++ 2>/dev/null || need+=(libgrpc++-dev libprotobuf-dev pkg-config)
command -v protoc >/dev/null || need+=(protobuf-compiler)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

echo "building..." >&2
dotnet build "$root/bench/rpc/server" -c Release --nologo -v quiet -clp:NoSummary >&2
cpp_server="$(bash "$here/cpp/build.sh" | tail -1)"

# Request bodies, framed: Empty (5 zero bytes); StreamingOutputCallRequest with 64 x {size: 65536}
printf '\x00\x00\x00\x00\x00' > "$work/empty.bin"
{ printf '\x00\x00\x00\x01\x80'; for _ in $(seq 64); do printf '\x12\x04\x08\x80\x80\x04'; done; } > "$work/stream.bin"

start_server() { # name → sets $port; the server's output goes to $work/<name>.out
  local name=$1; shift
  "$@" > "$work/$name.out" 2>&1 &
  for _ in $(seq 100); do
    port=$(grep -oE 'Server listening on (http://)?127\.0\.0\.1:[0-9]+' "$work/$name.out" | grep -oE '[0-9]+$' || true)
    [ -n "$port" ] && return 0
    sleep 0.1
  done
  echo "$name server did not start:" >&2; cat "$work/$name.out" >&2; exit 1
}

percentile() { # file column(1-based) pct
  sort -n -k"$2","$2" "$1" | awk -v p="$3" -v c="$2" '{v[NR]=$c} END {i=int(NR*p/100); if (i<1) i=1; printf "%.2f", v[i]/1000}'
}

results=()
run_one() {
  local name=$1; shift
  start_server "$name" "$@"
  local pid=$!
  local url="http://127.0.0.1:$port"
  local headers=(-H 'content-type: application/grpc' -H 'te: trailers')
  # warm-up (JIT, connection pools), not measured
  h2load -c 4 -m 32 -t 1 -D 2 -d "$work/empty.bin" "${headers[@]}" "$url/grpc.testing.TestService/EmptyCall" > /dev/null
  h2load -c 4 -m 32 -t 1 -D "$duration" --log-file="$work/$name.log" -d "$work/empty.bin" "${headers[@]}" \
    "$url/grpc.testing.TestService/EmptyCall" > "$work/$name.unary.txt"
  local rps succeeded failed data
  rps=$(grep -oE 'finished in [0-9.]+s, [0-9.]+ req/s' "$work/$name.unary.txt" | grep -oE '[0-9.]+ req/s' | cut -d' ' -f1)
  succeeded=$(grep -oE '[0-9]+ succeeded' "$work/$name.unary.txt" | cut -d' ' -f1)
  failed=$(grep -oE '[0-9]+ failed' "$work/$name.unary.txt" | cut -d' ' -f1)
  data=$(grep -oE '\([0-9]+\) data' "$work/$name.unary.txt" | grep -oE '[0-9]+')
  # Each EmptyCall response carries one 5-byte message; fewer data bytes would mean gRPC errors
  # (which h2load, looking only at HTTP status, would count as successes).
  if [ "$failed" != "0" ] || [ "$data" -lt $((succeeded * 5)) ]; then
    echo "$name: unary responses are not all gRPC successes (failed=$failed, data=$data bytes for $succeeded)" >&2; exit 1
  fi
  local p50 p99
  p50=$(percentile "$work/$name.log" 3 50)
  p99=$(percentile "$work/$name.log" 3 99)

  h2load -c 1 -m 4 -t 1 -D 2 -d "$work/stream.bin" "${headers[@]}" "$url/grpc.testing.TestService/StreamingOutputCall" > /dev/null
  h2load -c 1 -m 4 -t 1 -D "$duration" -d "$work/stream.bin" "${headers[@]}" "$url/grpc.testing.TestService/StreamingOutputCall" > "$work/$name.stream.txt"
  local secs bytes mbps
  secs=$(grep -oE 'finished in [0-9.]+s' "$work/$name.stream.txt" | grep -oE '[0-9.]+')
  bytes=$(grep -oE '\([0-9]+\) data' "$work/$name.stream.txt" | grep -oE '[0-9]+')
  mbps=$(awk -v b="$bytes" -v s="$secs" 'BEGIN {printf "%.1f", b/s/1048576}')
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  results+=("$name|$rps|$p50|$p99|$mbps")
  echo "$name: $rps req/s, p50 $p50 ms, p99 $p99 ms, streaming $mbps MiB/s" >&2
}

run_one ours dotnet "$root/bench/rpc/server/bin/Release/net10.0/Federation.Bench.RpcServer.dll" 0
run_one cpp "$cpp_server" 0 600

rps_of() { for r in "${results[@]}"; do IFS='|' read -r n rps _ _ _ <<< "$r"; [ "$n" = "$1" ] && echo "$rps"; done; }
mbps_of() { for r in "${results[@]}"; do IFS='|' read -r n _ _ _ m <<< "$r"; [ "$n" = "$1" ] && echo "$m"; done; }
ratio_cpp=$(awk -v a="$(rps_of ours)" -v b="$(rps_of cpp)" 'BEGIN {printf "%.2f", a/b}')
sratio_cpp=$(awk -v a="$(mbps_of ours)" -v b="$(mbps_of cpp)" 'BEGIN {printf "%.2f", a/b}')

date=$(date -u +%Y-%m-%d)
commit=$(git -C "$root" rev-parse --short HEAD)
report="$root/bench/results/rpc-$date.md"
{
  echo "# gRPC server benchmark — $date, commit $commit"
  echo
  echo "Command: \`bash bench/rpc/run.sh $duration\` on $(nproc) cores. Unary: EmptyCall, h2load -c 4 -m 32 -t 1 -D $duration."
  echo "Streaming: StreamingOutputCall, 64 x 64 KiB responses per call, h2load -c 1 -m 4 -D $duration."
  echo
  echo "| server | unary req/s | p50 ms | p99 ms | streaming MiB/s |"
  echo "|---|---:|---:|---:|---:|"
  for r in "${results[@]}"; do IFS='|' read -r n rps p50 p99 m <<< "$r"; echo "| $n | $rps | $p50 | $p99 | $m |"; done
  echo
  echo "ours / cpp: unary ${ratio_cpp}x, streaming ${sratio_cpp}x."
} | tee "$report"
