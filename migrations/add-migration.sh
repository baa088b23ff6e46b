#!/usr/bin/env bash
# Adds one named migration to both migration sets (SQLite for the embedded default, SQL Server for production).
# Usage: migrations/add-migration.sh <MigrationName>
set -euo pipefail
name="${1:?Usage: migrations/add-migration.sh <MigrationName>}"
cd "$(dirname "$0")/.."
dotnet tool restore >/dev/null
dotnet restore Portal.sln >/dev/null
for provider in Sqlite SqlServer; do
  echo "Adding migration '$name' to migrations/$provider"
  dotnet ef migrations add "$name" \
    --project "migrations/$provider/Portal.Migrations.$provider.csproj" \
    --startup-project "migrations/$provider/Portal.Migrations.$provider.csproj" \
    --output-dir Migrations
done
