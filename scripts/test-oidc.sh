# Sourced by test.sh: starts a real, certified OpenID Connect provider (oidc-provider from npm, configured by
# scripts/oidc/provider.mjs to answer like one Entra ID tenant) for the sign-in browser tests, on a free loopback port,
# and exports PORTAL_OIDC_AUTHORITY=http://127.0.0.1:<port>/<tenant>/v2.0. stop_test_oidc stops it. The provider is
# installed from scripts/oidc/package-lock.json into artifacts/tools. For a narrow run by hand:
#   bash -c '. scripts/test-oidc.sh && start_test_oidc && echo "export PORTAL_OIDC_AUTHORITY=$PORTAL_OIDC_AUTHORITY" && wait'
test_oidc_pid=""
test_oidc_log=""

start_test_oidc() {
  local root tools
  root=$(pwd)
  tools="$root/artifacts/tools/oidc-provider-$(sha256sum < scripts/oidc/package-lock.json | cut -c1-12)"
  if [ ! -d "$tools/node_modules/oidc-provider" ]; then
    echo "Installing oidc-provider (the test OpenID Connect provider) into artifacts/tools..."
    mkdir -p "$tools"
    cp scripts/oidc/package.json scripts/oidc/package-lock.json "$tools/"
    (cd "$tools" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || return 1
  fi
  # Beside its node_modules, so that Node finds the package from the script.
  cp scripts/oidc/provider.mjs "$tools/provider.mjs"
  test_oidc_log=$(mktemp -t portal-oidc.XXXXXX)

  local attempt port
  for attempt in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 40000))
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      continue # something already listens there
    fi
    node "$tools/provider.mjs" "$port" >"$test_oidc_log" 2>&1 &
    test_oidc_pid=$!
    local waited issuer
    for waited in $(seq 1 60); do
      if ! kill -0 "$test_oidc_pid" 2>/dev/null; then
        break # exited: the port was taken after all, or the script failed
      fi
      issuer=$(sed -n 's/^oidc-provider answers as //p' "$test_oidc_log" | head -1)
      if [ -n "$issuer" ] && test_oidc_discovery_answers "$issuer"; then
        export PORTAL_OIDC_AUTHORITY="$issuer"
        echo "oidc-provider $(node -p "require('$tools/node_modules/oidc-provider/package.json').version") answers as $PORTAL_OIDC_AUTHORITY."
        return 0
      fi
      sleep 0.5
    done
    stop_test_oidc_process
  done
  echo "oidc-provider did not start; its output:" >&2
  cat "$test_oidc_log" >&2 2>/dev/null || true
  return 1
}

test_oidc_discovery_answers() { # $1 = issuer; true when its discovery document names it
  node -e 'fetch(process.argv[1] + "/.well-known/openid-configuration").then(r => r.json())
    .then(d => process.exit(d.issuer === process.argv[1] ? 0 : 1), () => process.exit(1))' "$1" 2>/dev/null
}

stop_test_oidc_process() {
  if [ -n "$test_oidc_pid" ]; then
    kill "$test_oidc_pid" 2>/dev/null || true
    wait "$test_oidc_pid" 2>/dev/null || true
    test_oidc_pid=""
  fi
}

stop_test_oidc() {
  stop_test_oidc_process
  if [ -n "$test_oidc_log" ]; then
    rm -f "$test_oidc_log"
    test_oidc_log=""
  fi
}
