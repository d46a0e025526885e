#!/usr/bin/env bash
# The log server's benchmark (issue 4), run on demand, never in CI. On this one machine, load
# generator included:
#   1. write path: LoadGen (ceiling of verify+sign per entry on all cores, max sustained appends,
#      latency at fixed rates) against a fresh log;
#   2. read path: wrk against nginx serving an 8 KiB file (a full tile's size), then against the
#      log's full tiles and its entry-with-proof GETs, interleaved, 3 runs each; medians.
# Usage: bench/server-bench.sh [--quick]     Results: bench/results/server-<date>.txt
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
quick=false
[ "${1:-}" = "--quick" ] && quick=true
mkdir -p bench/results
out="bench/results/server-$(date -u +%Y%m%dT%H%M%SZ).txt"
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

if ! command -v wrk >/dev/null || ! command -v nginx >/dev/null; then
  echo "installing wrk and nginx (Debian packages)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk nginx-light >/dev/null \
    || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk nginx >/dev/null
fi

./mvnw -B -q -DskipTests -Pbench -pl bench,log-server -am package
exec > >(tee "$out") 2>&1
echo "# server benchmark $(date -u +%FT%TZ), $(nproc) cores, $(java -version 2>&1 | head -1)"
echo "# load average before: $(cat /proc/loadavg)"

port=3311
bin/stele-server --port "$port" --data-dir "$work/data" >"$work/server.log" 2>&1 &
server_pid=$!
pids+=("$server_pid")
for _ in $(seq 1 60); do grep -q "listening on" "$work/server.log" && break; sleep 1; done
url="http://127.0.0.1:$port"

if $quick; then
  java -Xmx2g -cp bench/target/benchmarks.jar dev.stele.bench.LoadGen "$url" --server-pid "$server_pid" \
    --max-seconds 5 --warmup-seconds 3 --rates 1000 --rate-seconds 5 --ceiling-seconds 2
else
  java -Xmx3g -cp bench/target/benchmarks.jar dev.stele.bench.LoadGen "$url" --server-pid "$server_pid" \
    --max-seconds 20 --warmup-seconds 30 --rates 1000,2500,4000 --rate-seconds 15 --ceiling-seconds 5
fi

# ---- read path -------------------------------------------------------------------------------
size=$(curl -s "$url/checkpoint" | sed -n 2p)
echo "# read path on a tree of $size entries"
mkdir -p "$work/www"
head -c 8192 /dev/urandom > "$work/www/tile"
cat > "$work/nginx.conf" <<NGINX
worker_processes auto;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:18080;
    root $work/www;
  }
}
NGINX
nginx -c "$work/nginx.conf"
pids+=($(cat "$work/nginx.pid" 2>/dev/null || echo))
cat > "$work/entries.lua" <<LUA
math.randomseed(os.time())
request = function()
  return wrk.format("GET", "/api/v1/log/entries?logIndex=" .. math.random(0, $size - 1))
end
LUA
d=10; $quick && d=3
run() { wrk -t2 -c64 -d${d}s "$@" 2>&1 | awk '/Requests\/sec/ {print $2}'; }
run http://127.0.0.1:18080/tile >/dev/null; run "$url/tile/0/000" >/dev/null  # warm-up
for i in 1 2 3; do
  echo "nginx-8KiB $(run http://127.0.0.1:18080/tile)"
  echo "full-tile $(run "$url/tile/0/000")"
  echo "entry-get $(run -s "$work/entries.lua" "$url")"
done | tee "$work/reads"
median() { grep "^$1 " "$work/reads" | awk '{print $2}' | sort -n | sed -n 2p; }
n=$(median nginx-8KiB); t=$(median full-tile); e=$(median entry-get)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "read medians (req/s): nginx 8 KiB file $n, full tile $t ($(ratio "$t" "$n") of nginx), entry with proof $e ($(ratio "$e" "$n") of nginx)"
kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
echo "# load average after: $(cat /proc/loadavg)"
echo "# results in $out"
