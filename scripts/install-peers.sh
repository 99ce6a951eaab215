#!/usr/bin/env bash
# Installs the third-party gRPC peers the interop tests run against, when they are missing:
#   - Debian: python3-grpcio + python3-protobuf (C-core gRPC for /usr/bin/python3), protoc and
#     grpc_python_plugin (to generate the Python stubs), nghttp2-client (h2load, for bench/),
#     sqlite3 (for the store's baselines), postgresql (the server the PostgreSQL store's tests start
#     a throwaway cluster of, with initdb/pg_ctl), chromium (renders the quarterly report headless),
#     chromium-driver (chromedriver: the web pages' browser tests drive chromium through it);
#   - npm (tests/peers/node): @grpc/grpc-js, @grpc/proto-loader, @bufbuild/buf (buf curl), axe-core
#     (the web pages' accessibility check);
#   - npm (examples/node, the agency guide's Node example): @grpc/grpc-js, @grpc/proto-loader.
# The Python example (examples/python) needs only the Debian packages above.
# Safe to run again: it does nothing when everything is there.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
/usr/bin/python3 -c 'import grpc, google.protobuf' 2>/dev/null || need_apt+=(python3-grpcio python3-protobuf)
command -v protoc >/dev/null || need_apt+=(protobuf-compiler)
command -v grpc_python_plugin >/dev/null || need_apt+=(protobuf-compiler-grpc)
command -v h2load >/dev/null || need_apt+=(nghttp2-client)
command -v sqlite3 >/dev/null || need_apt+=(sqlite3)
command -v node >/dev/null || need_apt+=(nodejs npm)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
command -v chromium >/dev/null || need_apt+=(chromium)
command -v chromedriver >/dev/null || need_apt+=(chromium-driver)
# A CJK font, so that headless Chromium draws the report's Chinese text (not empty boxes).
[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || need_apt+=(fonts-wqy-microhei)

if [ ${#need_apt[@]} -gt 0 ]; then
  echo "install-peers: apt-get install ${need_apt[*]}"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if [ ! -x tests/peers/node/node_modules/.bin/buf ] || [ ! -d tests/peers/node/node_modules/@grpc/grpc-js ] || [ ! -f tests/peers/node/node_modules/axe-core/axe.min.js ]; then
  echo "install-peers: npm install in tests/peers/node"
  # npm install, not npm ci: the lock file carries no registry addresses and omits other
  # platforms' optional binaries of @bufbuild/buf, which npm ci refuses as "out of sync".
  (cd tests/peers/node && npm install --no-audit --no-fund --loglevel=error)
fi

if [ ! -d examples/node/node_modules/@grpc/grpc-js ] || [ ! -d examples/node/node_modules/@grpc/proto-loader ]; then
  echo "install-peers: npm install in examples/node (the agency guide's Node example)"
  (cd examples/node && npm install --no-audit --no-fund --loglevel=error)
fi

# Fail here, with a clear message, rather than in the middle of the tests.
/usr/bin/python3 -c 'import grpc, google.protobuf' || { echo "install-peers: python3-grpcio is still not importable by /usr/bin/python3" >&2; exit 1; }
tests/peers/node/node_modules/.bin/buf --version >/dev/null || { echo "install-peers: buf is still missing" >&2; exit 1; }
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { echo "install-peers: PostgreSQL's initdb is still missing (package postgresql)" >&2; exit 1; }
command -v chromium >/dev/null || { echo "install-peers: chromium is still missing (package chromium)" >&2; exit 1; }
command -v chromedriver >/dev/null || { echo "install-peers: chromedriver is still missing (package chromium-driver)" >&2; exit 1; }
[ -f tests/peers/node/node_modules/axe-core/axe.min.js ] || { echo "install-peers: axe-core is still missing (npm, tests/peers/node)" >&2; exit 1; }
echo "install-peers: all peers present"
