#!/usr/bin/env bash
# Generates the C# client of the portal's API with Microsoft Kiota (a .NET tool, installed into artifacts/tools) from
# the OpenAPI document OpenApiDocumentTests wrote to artifacts/openapi-v1.json, into Portal.ApiClientTests/Generated
# (never committed). Sourced by scripts/test.sh; also runs on its own: scripts/generate-api-client.sh.
kiota_version=1.38.0

generate_api_client() {
  local root openapi tools
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  openapi="$root/artifacts/openapi-v1.json"
  tools="$root/artifacts/tools/kiota-$kiota_version"
  if [ ! -f "$openapi" ]; then
    echo "The OpenAPI document $openapi was not written (OpenApiDocumentTests did not run or failed), so no API client can be generated." >&2
    return 1
  fi
  if [ ! -x "$tools/kiota" ]; then
    echo "Installing Microsoft.OpenApi.Kiota $kiota_version (the API client generator) into artifacts/tools..."
    dotnet tool install Microsoft.OpenApi.Kiota --version "$kiota_version" --tool-path "$tools" >/dev/null || return 1
  fi
  echo "Generating the API client from the portal's OpenAPI document with Kiota..."
  # Kiota looks for a newer release of itself on GitHub and prints a long trace when offline: its own output goes to a
  # log, shown only when generation fails.
  local log="$root/artifacts/kiota-generate.log"
  if ! KIOTA_TUTORIAL_ENABLED=false KIOTA_CLI_TELEMETRY_OPTOUT=true "$tools/kiota" generate --openapi "$openapi" --language CSharp \
    --output "$root/Portal.ApiClientTests/Generated" --class-name PortalApiClient --namespace-name Portal.ApiClient \
    --exclude-backward-compatible --clean-output --log-level Warning >"$log" 2>&1; then
    cat "$log" >&2
    return 1
  fi
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  generate_api_client
fi
