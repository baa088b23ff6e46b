#!/usr/bin/env bash
# The benchmark: builds Release, seeds its own NHS-scale SQLite database (artifacts/bench/portal-bench.db), runs the
# portal on Kestrel on a loopback port and measures pages, exports and memory per circuit. Prints one table and
# writes the figures to artifacts/bench/bench-<timestamp>.json. Arguments go to the benchmark, e.g. --quick for a
# short run that checks the harness, or --assessments 20000 --seconds 30. README "Benchmarks" explains the figures.
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/debian-packages.sh
need_package chromium chromium "the benchmark's memory per circuit"
need_package redis-server redis-server "the benchmark's fair-use limit across two instances"

echo "Restoring and building Release..."
dotnet restore scripts/bench/Portal.Benchmarks.csproj --nologo -v quiet
dotnet build scripts/bench/Portal.Benchmarks.csproj --no-restore --nologo -v quiet -c Release
# The portal is measured as it is deployed: published, which is when its static assets get their Brotli variants (a
# build has gzip only, some of it stored uncompressed: app.css went out at 22.7 KB, published 5.3 KB).
echo "Publishing the portal (Release)..."
rm -rf artifacts/bench/portal
dotnet publish Portal/Portal.csproj --no-restore --nologo -v quiet -c Release -o artifacts/bench/portal

# The baseline the bytes per page are printed beside: a bare `dotnet new blazor --interactivity Server` app,
# published. It is made outside the repository's build settings (analyzers, central package versions) by empty
# Directory.Build.props and Directory.Packages.props of its own, and made once per SDK.
bare=artifacts/bench/bare-blazor
sdk=$(dotnet --version)
if [ ! -f "$bare/publish/BareBlazor.dll" ] || [ "$(cat "$bare/sdk" 2>/dev/null)" != "$sdk" ]; then
  echo "Making the bare Blazor Server app (the baseline) with SDK $sdk..."
  rm -rf "$bare" && mkdir -p "$bare"
  echo '<Project />' > "$bare/Directory.Build.props"
  echo '<Project><PropertyGroup><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally></PropertyGroup></Project>' > "$bare/Directory.Packages.props"
  dotnet new blazor --interactivity Server --name BareBlazor --output "$bare/src" --no-update-check >/dev/null
  dotnet publish "$bare/src/BareBlazor.csproj" -c Release --nologo -v quiet -o "$bare/publish"
  echo "$sdk" > "$bare/sdk"
fi

# Lighthouse (pinned: 13 wants Node 22) for the pages' performance figures, beside the bare app's.
lighthouse=artifacts/tools/lighthouse
if [ ! -x "$lighthouse/node_modules/.bin/lighthouse" ]; then
  echo "Installing Lighthouse 12.2.3 into $lighthouse..."
  npm install --prefix "$lighthouse" -E lighthouse@12.2.3 --no-audit --no-fund --silent
fi
export PORTAL_LIGHTHOUSE="$PWD/$lighthouse/node_modules/.bin/lighthouse"

# The fair-use limit across two instances needs the Redis they share: Debian's redis-server on a free loopback port,
# in memory only, started as the test command starts it and stopped when the benchmark ends however it ends.
. scripts/test-redis.sh
trap 'stop_test_redis' EXIT
start_test_redis

export PORTAL_CHROMIUM="${PORTAL_CHROMIUM:-$(command -v chromium)}"
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
dotnet scripts/bench/bin/Release/net10.0/Portal.Benchmarks.dll --commit "$commit" --portal "$PWD/artifacts/bench/portal/Portal.dll" "$@"
