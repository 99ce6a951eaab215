#!/usr/bin/env bash
# Builds the C++ ceiling server into bench/rpc/cpp/build (not committed).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
out="$here/build"
mkdir -p "$out/gen"
protos="$root/bench/rpc/server/Protos"
protoc -I"$protos" --cpp_out="$out/gen" --grpc_out="$out/gen" --plugin=protoc-gen-grpc="$(command -v grpc_cpp_plugin)" \
  grpc/testing/empty.proto grpc/testing/messages.proto grpc/testing/test.proto
g++ -O2 -std=c++17 -I"$out/gen" "$here/server.cc" "$out"/gen/grpc/testing/*.cc -o "$out/cpp_server" \
  $(pkg-config --cflags --libs grpc++ protobuf) -lpthread
echo "$out/cpp_server"
