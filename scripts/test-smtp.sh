# Sourced by test.sh: starts a real SMTP server that the tests read back, smtp4dev (the Rnwood.Smtp4dev .NET tool,
# installed into artifacts/tools/smtp4dev), on free loopback ports, keeping messages in memory only, and exports
# PORTAL_SMTP=127.0.0.1:<smtp port> and PORTAL_SMTP_API=http://127.0.0.1:<web port> (its REST API: /api/messages).
# stop_test_smtp stops it. For a narrow run by hand:
#   bash -c '. scripts/test-smtp.sh && start_test_smtp && echo "export PORTAL_SMTP=$PORTAL_SMTP PORTAL_SMTP_API=$PORTAL_SMTP_API" && wait'
test_smtp_pid=""
test_smtp_dir=""
test_smtp_version=3.15.0

start_test_smtp() {
  local root tools
  root=$(pwd)
  tools="$root/artifacts/tools/smtp4dev"
  if [ ! -x "$tools/smtp4dev" ]; then
    echo "Installing smtp4dev $test_smtp_version (the SMTP server the mail tests read) into artifacts/tools..."
    dotnet tool install Rnwood.Smtp4dev --version "$test_smtp_version" --tool-path "$tools" >/dev/null
  fi
  test_smtp_dir=$(mktemp -d -t portal-smtp.XXXXXX)
  local attempt smtp web imap pop3 taken port
  for attempt in 1 2 3 4 5; do
    smtp=$((20000 + RANDOM % 40000)); web=$((20000 + RANDOM % 40000))
    imap=$((20000 + RANDOM % 40000)); pop3=$((20000 + RANDOM % 40000))
    taken=""
    for port in "$smtp" "$web" "$imap" "$pop3"; do
      if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        taken=yes # something already listens there
      fi
    done
    [ -z "$taken" ] || continue
    # Messages in memory (--db=""), this run's settings only, loopback only, and room for every message of a full run.
    "$tools/smtp4dev" --baseappdatapath="$test_smtp_dir" --nousersettings --db="" --hostname=localhost \
      --bindaddress=127.0.0.1 --allowremoteconnections- --tlsmode=None --smtpport="$smtp" --imapport="$imap" --pop3port="$pop3" \
      --urls="http://127.0.0.1:$web" --messagestokeep=100000 --sessionstokeep=100 >"$test_smtp_dir/smtp4dev.out" 2>&1 &
    test_smtp_pid=$!
    local waited
    for waited in $(seq 1 120); do
      if ! kill -0 "$test_smtp_pid" 2>/dev/null; then
        break # exited: a port was taken after all
      fi
      if curl -fsS "http://127.0.0.1:$web/api/messages" >/dev/null 2>&1 && (exec 3<>"/dev/tcp/127.0.0.1/$smtp") 2>/dev/null; then
        export PORTAL_SMTP="127.0.0.1:$smtp"
        export PORTAL_SMTP_API="http://127.0.0.1:$web"
        echo "smtp4dev $test_smtp_version takes mail on $PORTAL_SMTP and shows it at $PORTAL_SMTP_API."
        return 0
      fi
      sleep 0.5
    done
    stop_test_smtp_process
  done
  echo "smtp4dev did not start; its output:" >&2
  cat "$test_smtp_dir/smtp4dev.out" >&2 2>/dev/null || true
  return 1
}

stop_test_smtp_process() {
  if [ -n "$test_smtp_pid" ]; then
    kill "$test_smtp_pid" 2>/dev/null || true
    wait "$test_smtp_pid" 2>/dev/null || true
    test_smtp_pid=""
  fi
}

stop_test_smtp() {
  stop_test_smtp_process
  if [ -n "$test_smtp_dir" ]; then
    rm -rf "$test_smtp_dir"
    test_smtp_dir=""
  fi
}
