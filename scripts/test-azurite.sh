# Sourced by test.sh: starts Azurite's Blob Storage emulator (npm azurite, installed into artifacts/tools) for the
# evidence store's Blob tests, on a free loopback port with its data in a temporary folder, and exports
# PORTAL_AZURITE as a storage connection string (Azurite's well-known development account). stop_test_azurite stops
# it. For a narrow run by hand:
#   bash -c '. scripts/test-azurite.sh && start_test_azurite && echo "export PORTAL_AZURITE=\"$PORTAL_AZURITE\"" && wait'
test_azurite_version=3.37.0
test_azurite_pid=""
test_azurite_dir=""

start_test_azurite() {
  local root tools
  root=$(pwd)
  tools="$root/artifacts/tools/azurite-$test_azurite_version"
  if [ ! -x "$tools/node_modules/.bin/azurite-blob" ]; then
    echo "Installing Azurite $test_azurite_version (the Blob Storage emulator) into artifacts/tools..."
    npm install --prefix "$tools" --no-audit --no-fund --loglevel=error "azurite@$test_azurite_version" >/dev/null
  fi

  test_azurite_dir=$(mktemp -d -t portal-azurite.XXXXXX)
  local attempt port
  for attempt in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 40000))
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      continue # something already listens there
    fi
    # --skipApiVersionCheck: the Azure SDK may speak a newer service version than this Azurite knows.
    "$tools/node_modules/.bin/azurite-blob" --blobHost 127.0.0.1 --blobPort "$port" --location "$test_azurite_dir" \
      --skipApiVersionCheck --loose --silent >"$test_azurite_dir/azurite.out" 2>&1 &
    test_azurite_pid=$!
    local waited
    for waited in $(seq 1 120); do
      if ! kill -0 "$test_azurite_pid" 2>/dev/null; then
        break # exited: the port was taken after all
      fi
      if test_azurite_answers "$port"; then
        local key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
        export PORTAL_AZURITE="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$port/devstoreaccount1;"
        echo "Azurite $test_azurite_version (Blob Storage) answers on 127.0.0.1:$port."
        return 0
      fi
      sleep 0.5
    done
    stop_test_azurite_process
  done
  echo "Azurite did not start; its output:" >&2
  cat "$test_azurite_dir/azurite.out" >&2 2>/dev/null || true
  return 1
}

test_azurite_answers() { # $1 = port; succeeds once Azurite answers an HTTP request (any status)
  (
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf 'GET /devstoreaccount1?comp=list HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&3
    timeout 2 head -c 12 <&3 | grep -q '^HTTP/1.1'
  ) 2>/dev/null
}

stop_test_azurite_process() {
  if [ -n "$test_azurite_pid" ]; then
    kill "$test_azurite_pid" 2>/dev/null || true
    wait "$test_azurite_pid" 2>/dev/null || true
    test_azurite_pid=""
  fi
}

stop_test_azurite() {
  stop_test_azurite_process
  if [ -n "$test_azurite_dir" ]; then
    rm -rf "$test_azurite_dir"
    test_azurite_dir=""
  fi
}
