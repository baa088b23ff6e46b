#!/usr/bin/env bash
# The one test command: installs what the tests need on a fresh Debian machine, builds, runs every test and
# ends with one line "N passed, N failed, N skipped" counted from the test results. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
results="$root/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

. scripts/debian-packages.sh
need_package chromium chromium "the browser tests"
need_package qpdf qpdf "the PDF tests"

echo "Restoring tools and packages..."
dotnet tool restore >/dev/null
dotnet restore Portal.sln --nologo -v quiet

echo "Building..."
dotnet build Portal.sln --no-restore --nologo -v quiet -c Debug

echo "Generating the SQL Server idempotent migration script..."
dotnet ef migrations script --idempotent --no-build \
  --project migrations/SqlServer/Portal.Migrations.SqlServer.csproj \
  --startup-project migrations/SqlServer/Portal.Migrations.SqlServer.csproj \
  --output "$root/artifacts/sqlserver-migrate.sql" >/dev/null
export PORTAL_SQLSERVER_SCRIPT="$root/artifacts/sqlserver-migrate.sql"
export PORTAL_CHROMIUM="${PORTAL_CHROMIUM:-$(command -v chromium)}"

echo "Running the tests..."
set +e
dotnet test Portal.sln --no-build --nologo \
  --logger "trx;LogFileName=results.trx" --logger "console;verbosity=minimal" \
  --results-directory "$results"
status=$?
set -e

passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  value() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  total=$(value total); executed=$(value executed)
  passed=$((passed + $(value passed))); failed=$((failed + $(value failed)))
  skipped=$((skipped + total - executed))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1 # the run itself failed (a crash or a build problem) without a failed test to count
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
