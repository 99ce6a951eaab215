#!/usr/bin/env bash
# The test command: installs the interop peers if missing, builds, runs every test project, and
# checks that the run left the checkout as it found it (no tracked or new file changed).
# Usage: bash scripts/test.sh [extra dotnet test arguments, e.g. --filter Category=...]
#        bash scripts/test.sh --fast   the fast tier: the unit and component projects without the
#                                      tests that start PostgreSQL (trait Needs=postgresql); no node
#                                      process, no peer, no browser (docs/testing.md). CI runs the full suite.
set -euo pipefail
cd "$(dirname "$0")/.."

before=""
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  before="$(git status --porcelain)"
fi

if [ "${1:-}" = "--fast" ]; then
  shift
  fast=(tests/Federation.Standards.Tests tests/Federation.Client.Tests tests/Federation.Store.Tests tests/Federation.Node.Tests)
  for project in "${fast[@]}"; do
    dotnet build "$project" -c Release --nologo -v quiet -clp:NoSummary
  done
  for project in "${fast[@]}"; do
    dotnet test "$project" -c Release --no-build --nologo --filter "Needs!=postgresql" "$@"
  done
else
  bash scripts/install-peers.sh
  dotnet build Federation.sln -c Release --nologo -v quiet -clp:NoSummary
  # --blame: if a test host dies (a signal, a crash), the run names the tests it was running
  # (a run once ended "Test host process crashed" with nothing more to go on).
  dotnet test Federation.sln -c Release --no-build --nologo --blame "$@"
  # The tree end-to-end tests once more with every node's store on PostgreSQL (a throwaway cluster):
  # both stores must pass them.
  if [ $# -eq 0 ]; then
    FEDERATION_TEST_STORE=postgresql dotnet test tests/Federation.Tests -c Release --no-build --nologo --blame \
      --filter "FullyQualifiedName~Federation.Tests.Exchange&FullyQualifiedName!~PostgresTreeTests"
  fi
fi

if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  after="$(git status --porcelain)"
  if [ "$after" != "$before" ]; then
    echo "scripts/test.sh: the test run changed the checkout (it must leave it as it was):" >&2
    diff <(echo "$before") <(echo "$after") >&2 || true
    exit 1
  fi
fi
