#!/usr/bin/env bash
# The test command: installs the interop peers if missing, builds, runs every test project.
# Usage: bash scripts/test.sh [extra dotnet test arguments, e.g. --filter Category=...]
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-peers.sh
dotnet build Federation.sln -c Release --nologo -v quiet -clp:NoSummary
dotnet test Federation.sln -c Release --no-build --nologo "$@"
