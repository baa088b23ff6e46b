#!/usr/bin/env bash
# The one test command: installs what the tests need on a fresh Debian machine, builds, runs every test and
# ends with one line "N passed, N failed, N skipped" counted from the test results. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
results="$root/artifacts/test-results"
openapi="$root/artifacts/openapi-v1.json"
rm -rf "$results" "$openapi"
mkdir -p "$results"

. scripts/debian-packages.sh
need_package chromium chromium "the browser tests"
need_package qpdf qpdf "the PDF tests"
need_package pdftoppm poppler-utils "the test that reads the scorecard PDF's QR code back"
need_package node nodejs "the OpenAPI and CSS linters"
need_package npm npm "the OpenAPI and CSS linters"
need_package clamd clamav-daemon "the malware-scanning tests"
need_package redis-server redis-server "the tests of the API's fair-use limits shared by several instances"
need_package curl curl "waiting for the test SMTP server (smtp4dev) to answer"

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

# A real ClamAV daemon with signatures written here, for the malware-scanning tests (PORTAL_CLAMD); stopped on exit.
. scripts/test-clamd.sh
# A real Redis in memory, for the fair-use limits shared by several instances (PORTAL_REDIS); stopped on exit.
. scripts/test-redis.sh
# Azurite's Blob Storage emulator, for the evidence store on Blob Storage (PORTAL_AZURITE); stopped on exit.
. scripts/test-azurite.sh
# A real OpenID Connect provider shaped like an Entra ID tenant, for the sign-in browser tests (PORTAL_OIDC_AUTHORITY).
. scripts/test-oidc.sh
# smtp4dev, a real SMTP server whose REST API the mail tests read (PORTAL_SMTP, PORTAL_SMTP_API); stopped on exit.
. scripts/test-smtp.sh
trap 'stop_test_clamd; stop_test_redis; stop_test_azurite; stop_test_oidc; stop_test_smtp' EXIT
start_test_clamd
start_test_redis
start_test_azurite
start_test_oidc
start_test_smtp

echo "Running the tests..."
set +e
dotnet test Portal.sln --no-build --nologo \
  --logger "trx;LogFileName=results.trx" --logger "console;verbosity=minimal" \
  --results-directory "$results"
status=$?
set -e

# A C# client that Microsoft Kiota generates from the OpenAPI document the tests just wrote (never committed), driven
# through a whole journey against a real portal (Portal.ApiClientTests, outside Portal.sln so the solution builds before
# generation): if the document and the API disagree, it fails. Its results count with the others (api-client.trx).
. scripts/generate-api-client.sh
client_status=0
set +e
if generate_api_client; then
  echo "Building and running the API client's journey..."
  dotnet build Portal.ApiClientTests --nologo -v quiet -c Debug && \
    dotnet test Portal.ApiClientTests --no-build --nologo \
      --logger "trx;LogFileName=api-client.trx" --logger "console;verbosity=minimal" --results-directory "$results"
  client_status=$?
else
  client_status=1
fi
set -e

# The API's OpenAPI document (written by OpenApiDocumentTests from the running portal) must lint clean with Redocly's
# recommended rules (redocly.yaml). Redocly CLI 2 needs Node 20.19 or later; an older Node (Debian's own) gets 1.34.
lint_status=0
if [ -f "$openapi" ]; then
  if node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)'; then
    redocly_version=2.77.0
  else
    redocly_version=1.34.20
  fi
  tools="$root/artifacts/tools/redocly-$redocly_version"
  if [ ! -x "$tools/node_modules/.bin/redocly" ]; then
    echo "Installing @redocly/cli $redocly_version (the OpenAPI linter) into artifacts/tools..."
    npm install --prefix "$tools" --no-audit --no-fund --loglevel=error "@redocly/cli@$redocly_version" >/dev/null || lint_status=$?
  fi
  if [ "$lint_status" -eq 0 ]; then
    echo "Linting the API's OpenAPI document..."
    REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true "$tools/node_modules/.bin/redocly" lint "$openapi" --format=stylish || lint_status=$?
  fi
else
  echo "The OpenAPI document was not written (OpenApiDocumentTests did not run or failed), so it cannot be linted."
  lint_status=1
fi

# Every stylesheet, app.css and any scoped *.razor.css, must lint clean with stylelint's standard rules
# (.stylelintrc.json; .stylelintignore leaves out build output). stylelint 16 runs on any Node from 18.12, Debian's
# Node 20 included; 17 and later need Node 20.19 or 22.
css_status=0
stylelint_version=16.26.1
stylelint_tools="$root/artifacts/tools/stylelint-$stylelint_version"
if [ ! -x "$stylelint_tools/node_modules/.bin/stylelint" ]; then
  echo "Installing stylelint $stylelint_version (the CSS linter) into artifacts/tools..."
  npm install --prefix "$stylelint_tools" --no-audit --no-fund --loglevel=error \
    "stylelint@$stylelint_version" "stylelint-config-standard@39.0.1" >/dev/null || css_status=$?
fi
if [ "$css_status" -eq 0 ]; then
  echo "Linting the stylesheets..."
  "$stylelint_tools/node_modules/.bin/stylelint" --config-basedir "$stylelint_tools" "**/*.css" || css_status=$?
fi

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
if [ "$client_status" -ne 0 ] && ! grep -qs 'failed="[1-9]' "$results/api-client.trx"; then
  echo "The API client was not generated, did not build or did not run (see above)."
  failed=$((failed + 1))
fi
if [ "$lint_status" -ne 0 ]; then
  echo "The OpenAPI document has lint errors (see above)."
  failed=$((failed + 1))
fi
if [ "$css_status" -ne 0 ]; then
  echo "The stylesheets have lint errors (see above)."
  failed=$((failed + 1))
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$status" -eq 0 ] && [ "$client_status" -eq 0 ] && [ "$failed" -eq 0 ] && [ "$lint_status" -eq 0 ] && [ "$css_status" -eq 0 ]
