# Sourced by test.sh: starts a real ClamAV daemon (Debian's clamav-daemon) for the malware-scanning tests, on a free
# loopback port, with a small signature database written here (the public signature download is not used), and
# exports PORTAL_CLAMD=127.0.0.1:<port>. stop_test_clamd stops it. For a narrow run by hand:
#   bash -c '. scripts/test-clamd.sh && start_test_clamd && echo "export PORTAL_CLAMD=$PORTAL_CLAMD" && wait'
# The signatures (Portal.Tests/Features/Evidence/ClamAvScannerTests.cs names the same ones):
#   Portal.Test.Eicar          the EICAR anti-virus test file, by its MD5 and size (.hdb) and anywhere in a file (.ndb)
#   Portal.Test.CustomMarker   the bytes "OPEN-API-PORTAL-TEST-MALWARE-MARKER" anywhere in a file (.ndb)
test_clamd_pid=""
test_clamd_dir=""

start_test_clamd() {
  test_clamd_dir=$(mktemp -d -t portal-clamd.XXXXXX)
  mkdir -p "$test_clamd_dir/db"
  local eicar='X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'
  hex() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }
  printf '%s:%s:Portal.Test.Eicar\n' "$(printf '%s' "$eicar" | md5sum | cut -d' ' -f1)" "${#eicar}" > "$test_clamd_dir/db/portal.hdb"
  {
    printf 'Portal.Test.Eicar:0:*:%s\n' "$(hex "$eicar")"
    printf 'Portal.Test.CustomMarker:0:*:%s\n' "$(hex 'OPEN-API-PORTAL-TEST-MALWARE-MARKER')"
  } > "$test_clamd_dir/db/portal.ndb"

  local attempt port
  for attempt in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 40000))
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      continue # something already listens there
    fi
    cat > "$test_clamd_dir/clamd.conf" <<CONF
TCPSocket $port
TCPAddr 127.0.0.1
DatabaseDirectory $test_clamd_dir/db
Foreground yes
LogFile $test_clamd_dir/clamd.log
LogTime yes
# Evidence documents may be 25 MB (Evidence:MaxFileBytes); a stream longer than this is refused.
StreamMaxLength 30M
CONF
    clamd -c "$test_clamd_dir/clamd.conf" >"$test_clamd_dir/clamd.out" 2>&1 &
    test_clamd_pid=$!
    local waited
    for waited in $(seq 1 120); do
      if ! kill -0 "$test_clamd_pid" 2>/dev/null; then
        break # exited: the port was taken after all, or the database is unreadable
      fi
      if [ "$(test_clamd_ping "$port")" = "PONG" ]; then
        export PORTAL_CLAMD="127.0.0.1:$port"
        echo "clamd (ClamAV $(clamd --version | cut -d/ -f1 | sed 's/ClamAV //')) answers on $PORTAL_CLAMD with the test signatures."
        return 0
      fi
      sleep 0.5
    done
    stop_test_clamd_process
  done
  echo "clamd did not start; its log:" >&2
  cat "$test_clamd_dir/clamd.log" "$test_clamd_dir/clamd.out" >&2 2>/dev/null || true
  return 1
}

test_clamd_ping() { # $1 = port; prints clamd's answer to zPING
  (
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 0
    printf 'zPING\0' >&3
    timeout 2 head -c 5 <&3 | tr -d '\0'
  ) 2>/dev/null
}

stop_test_clamd_process() {
  if [ -n "$test_clamd_pid" ]; then
    kill "$test_clamd_pid" 2>/dev/null || true
    wait "$test_clamd_pid" 2>/dev/null || true
    test_clamd_pid=""
  fi
}

stop_test_clamd() {
  stop_test_clamd_process
  if [ -n "$test_clamd_dir" ]; then
    rm -rf "$test_clamd_dir"
    test_clamd_dir=""
  fi
}
