# Sourced by test.sh: starts a real Redis (Debian's redis-server) for the tests of the API's fair-use limits shared by
# several instances, on a free loopback port, in memory only (nothing saved to disk), and exports
# PORTAL_REDIS=127.0.0.1:<port>. stop_test_redis stops it. For a narrow run by hand:
#   bash -c '. scripts/test-redis.sh && start_test_redis && echo "export PORTAL_REDIS=$PORTAL_REDIS" && wait'
test_redis_pid=""
test_redis_dir=""

start_test_redis() {
  test_redis_dir=$(mktemp -d -t portal-redis.XXXXXX)
  local attempt port
  for attempt in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 40000))
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      continue # something already listens there
    fi
    redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$test_redis_dir" \
      --logfile "$test_redis_dir/redis.log" >"$test_redis_dir/redis.out" 2>&1 &
    test_redis_pid=$!
    local waited
    for waited in $(seq 1 60); do
      if ! kill -0 "$test_redis_pid" 2>/dev/null; then
        break # exited: the port was taken after all
      fi
      if [ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" = "PONG" ]; then
        export PORTAL_REDIS="127.0.0.1:$port"
        echo "Redis $(redis-server --version | sed -n 's/.* v=\([^ ]*\).*/\1/p') answers on $PORTAL_REDIS."
        return 0
      fi
      sleep 0.25
    done
    stop_test_redis_process
  done
  echo "redis-server did not start; its log:" >&2
  cat "$test_redis_dir/redis.log" "$test_redis_dir/redis.out" >&2 2>/dev/null || true
  return 1
}

stop_test_redis_process() {
  if [ -n "$test_redis_pid" ]; then
    kill "$test_redis_pid" 2>/dev/null || true
    wait "$test_redis_pid" 2>/dev/null || true
    test_redis_pid=""
  fi
}

stop_test_redis() {
  stop_test_redis_process
  if [ -n "$test_redis_dir" ]; then
    rm -rf "$test_redis_dir"
    test_redis_dir=""
  fi
}
