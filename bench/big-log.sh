#!/usr/bin/env bash
# A log of N entries on one node (issue 16), built and measured in one run, never in CI:
#   0. appends over HTTP on an empty log (the reference for the rate at size N);
#   1. builds the log by `stele-server import` (fresh key per entry, bench ProposalGen): the
#      first lines with their signatures verified, the rest --trust-input from a pipe (the
#      generator's signatures are valid, but checking 10^8 of them would take a day here);
#      resumes a log this script left half-built in the same directory;
#   2. disk per entry after the import's clean close (SST, WAL, total);
#   3. start-up: first start, after a clean stop, and after kill -9 during appends;
#   4. appends over HTTP with fresh keys and with certificates (wrk replaying pre-signed
#      proposals), with the server's CPU per append beside the crypto work measured in the same
#      run (CryptoCost: parse the key or certificate, verify, sign a SET);
#   5. entry GETs at random indices and searches by digest (p50, p99, req/s), beside nginx
#      serving a file of the entry's size;
#   6. resident memory, the store's figures from /metrics, and the monitor's full audit.
# Usage: bench/big-log.sh N [DIR]   (DIR default /work/bigdata/big-N; never inside the repo)
# Environment: SKIP_BUILD=1, BIG_JARS (jars of an earlier run), BIG_PORT (default 3390), BIG_SECONDS (default 15: each load phase),
#   BIG_HEAP (server heap, default 2g), STELE_JAVA (default: the newest JDK, bin/lib.sh),
#   BIG_SERVER_ARGS (default '--imported-sets on-read': the background SET filler would otherwise
#   add its CPU to every phase measured here; empty for jars older than the filler).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
. bin/lib.sh
n="${1:?usage: bench/big-log.sh N [DIR]}"
work="${2:-/work/bigdata/big-$n}"
port="${BIG_PORT:-3390}"
secs="${BIG_SECONDS:-15}"
heap="${BIG_HEAP:-2g}"
read -r -a server_args <<<"${BIG_SERVER_ARGS---imported-sets on-read}"
verified=$(( n < 20000 ? n : 20000 ))
mkdir -p "$work"
data="$work/data"
url="http://127.0.0.1:$port"
java="$(stele_java)"
tck=$(getconf CLK_TCK)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  ./mvnw -B -o -q -DskipTests -Pbench -pl bench,log-server,monitor -am package
fi
# The jars this run uses, copied: a rebuild of the worktree during a long run leaves it alone.
# BIG_JARS=DIR: use the jars copied there by an earlier run instead (a build is running, say).
jars="${BIG_JARS:-$work/jars}"
if [ -z "${BIG_JARS:-}" ]; then
  rm -rf "$jars"
  mkdir -p "$jars/server" "$jars/monitor"
  cp bench/target/benchmarks.jar "$jars/"
  cp -r log-server/target/stele-log-server.jar log-server/target/lib "$jars/server/"
  cp -r monitor/target/stele-monitor.jar monitor/target/lib "$jars/monitor/"
fi
bench=("$java" --enable-native-access=ALL-UNNAMED -cp "$jars/benchmarks.jar")
server_cp="$jars/server/stele-log-server.jar:$jars/server/lib/*"
monitor_cp="$jars/monitor/stele-monitor.jar:$jars/monitor/lib/*"
echo "# big-log N=$n in $work, $(date -u +%FT%TZ), $(nproc) cores, $("$java" -version 2>&1 | head -1)"
echo "# load average before: $(cat /proc/loadavg)"

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
jit_ticks() { # CPU ticks of the JIT compiler threads: warm-up, not the work of an append
  local t sum=0
  for t in /proc/"$1"/task/*; do
    case "$(cat "$t/comm" 2>/dev/null)" in
      C1\ Compiler*|C2\ Compiler*) sum=$(( sum + $(sed 's/^.*) //' "$t/stat" | awk '{print $12 + $13}') )) ;;
    esac
  done
  echo "$sum"
}
kib() { awk -v k="$2" '$1 == k":" {print $2}' "/proc/$1/status"; }
tree_size() { curl -sf "$url/checkpoint" | sed -n 2p; }
per() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "-" }'; }

start_server() { # dir log: starts the server, sets server_pid and startup_s (launch to listening)
  local t0
  t0=$(date +%s.%N)
  # As bin/stele-server: class data sharing on JDKs that have it (the archive beside the jars).
  stele_cds "$java" "$jars/server.jsa" --port "$port"
  "$java" ${cds_flags[@]+"${cds_flags[@]}"} -Xmx"$heap" --enable-native-access=ALL-UNNAMED -cp "$server_cp" dev.stele.server.Main \
    --port "$port" --data-dir "$1" --public-url "$url" ${server_args[@]+"${server_args[@]}"} >"$2" 2>&1 &
  server_pid=$!
  pids+=("$server_pid")
  for _ in $(seq 1 6000); do
    grep -q "listening on" "$2" && break
    kill -0 "$server_pid" 2>/dev/null || { echo "server exited:"; tail -20 "$2"; exit 1; }
    sleep 0.02
  done
  startup_s=$(awk -v a="$t0" -v b="$(date +%s.%N)" -v t="$(cpu_ticks "$server_pid")" -v k="$tck" \
    'BEGIN { printf "%.2f (CPU %.2f s)", b - a, t / k }')
}
stop_server() { kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; }

# ---- proposals for the HTTP phases: seeds other than the log's, so every one is new ----------
gen() { # kind seed count file
  [ -s "$4" ] || "${bench[@]}" dev.stele.bench.ProposalGen --kind "$1" --seed "$2" --count "$3" --out "$4" 2>/dev/null
}
gen key 3 60000 "$work/fresh.jsonl"
gen cert 4 40000 "$work/cert.jsonl"
gen key 5 40000 "$work/empty-fresh.jsonl"
gen key 6 40000 "$work/crash.jsonl"
gen key 7 20000 "$work/warm-empty.jsonl"
gen key 8 20000 "$work/warm.jsonl"
cat > "$work/post.lua" <<'LUA'
-- POSTs the lines of FILE, each once across threads (thread k takes lines k, k+T, ...).
local counter, threads = 0, {}
function setup(thread) thread:set("id", counter); counter = counter + 1; table.insert(threads, thread) end
function init(args)
  lines, i = {}, 0
  for l in io.lines(args[1]) do
    if i % tonumber(args[2]) == id then table.insert(lines, l) end
    i = i + 1
  end
  next_line = 1
end
request = function()
  local l = lines[next_line] or lines[1]
  next_line = next_line + 1
  return wrk.format("POST", "/api/v1/log/entries", {["Content-Type"] = "application/json"}, l)
end
LUA
appends() { # label file [warm-up file]: wrk POSTs for $secs seconds; prints rate and server CPU per append
  local before c0 j0 after c1 j1 count cpu_us jit_us
  [ -n "${3:-}" ] && wrk -t2 -c64 -d"${secs}s" -s "$work/post.lua" "$url" -- "$3" 2 >/dev/null 2>&1
  before=$(tree_size); c0=$(cpu_ticks "$server_pid"); j0=$(jit_ticks "$server_pid")
  wrk -t2 -c64 -d"${secs}s" -s "$work/post.lua" "$url" -- "$2" 2 >/dev/null 2>&1
  after=$(tree_size); c1=$(cpu_ticks "$server_pid"); j1=$(jit_ticks "$server_pid")
  count=$(( after - before ))
  cpu_us=$(awk -v t=$(( c1 - c0 )) -v k="$tck" -v c="$count" 'BEGIN { if (c > 0) printf "%.0f", t / k * 1e6 / c; else print "-" }')
  jit_us=$(awk -v t=$(( j1 - j0 )) -v k="$tck" -v c="$count" 'BEGIN { if (c > 0) printf "%.0f", t / k * 1e6 / c; else print "-" }')
  echo "appends-$1 $(per "$count" "$secs") per-s, server CPU ${cpu_us} us/append of which JIT ${jit_us} ($count appended)"
}

# ---- 0. appends on an empty log --------------------------------------------------------------
rm -rf "$work/empty"
start_server "$work/empty" "$work/empty.log"
echo "startup-empty ${startup_s}"
appends empty-fresh "$work/empty-fresh.jsonl" "$work/warm-empty.jsonl" | tee "$work/r-empty"
stop_server

# ---- 1. the log, by import -------------------------------------------------------------------
have=$("${bench[@]}" dev.stele.bench.StoreSize "$data")
imp=("$java" -Xmx3g --enable-native-access=ALL-UNNAMED -cp "$server_cp" dev.stele.server.Main import
  --data-dir "$data" --public-url "$url" --tree-id 16)
if [ "$have" -lt "$verified" ]; then
  gen key 1 "$verified" "$work/verified.jsonl"
  /usr/bin/time -f "cpu %U %S wall %e" -o "$work/time-verified" "${imp[@]}" "$work/verified.jsonl" 2>&1 | tail -1
  read -r _ u s _ w < "$work/time-verified"
  echo "import-verified $(per "$verified" "$w") entries/s, $(awk -v u="$u" -v s="$s" -v c="$verified" 'BEGIN { printf "%.0f", (u + s) * 1e6 / c }') us CPU/entry (parse, verify, sequence, commit; the SET is signed on first read)" | tee "$work/r-import-verified"
  have=$verified
fi
if [ "$have" -lt "$n" ]; then
  echo "# import --trust-input of lines $have..$n from ProposalGen through a pipe (progress: $work/import.log)"
  t0=$(date +%s)
  { "${bench[@]}" dev.stele.bench.ProposalGen --seed 1 --start "$have" --count $(( n - have )) --threads 1 \
      | /usr/bin/time -f "cpu %U %S wall %e" -o "$work/time-trusted" "${imp[@]}" - --trust-input --restart; } \
      >"$work/import.log" 2>&1
  read -r _ u s _ w < "$work/time-trusted"
  m=$(( n - have ))
  echo "import-trusted $(per "$m" "$w") entries/s, $(awk -v u="$u" -v s="$s" -v c="$m" 'BEGIN { printf "%.0f", (u + s) * 1e6 / c }') us CPU/entry of the importer (generator not counted), $m entries in $(( $(date +%s) - t0 )) s" | tee "$work/r-import-trusted"
fi
[ "$have" -ge "$n" ] && cat "$work"/r-import-* 2>/dev/null || true

# ---- 2. disk ---------------------------------------------------------------------------------
sizes() { # prints sst wal total bytes of the store
  local sst wal total
  sst=$(find "$data" -name '*.sst' -printf '%s\n' | awk '{s += $1} END {print s + 0}')
  wal=$(find "$data" -name '*.log' ! -name 'LOG*' -printf '%s\n' | awk '{s += $1} END {print s + 0}')
  total=$(du -sb "$data" | cut -f1)
  echo "$sst $wal $total"
}
read -r sst wal total <<<"$(sizes)"
echo "disk-clean sst $(per "$sst" "$n") B/entry, wal $wal B, total $(per "$total" "$n") B/entry ($(( total >> 20 )) MiB)"

# ---- 3. start-up, memory, reads ---------------------------------------------------------------
start_server "$data" "$work/server1.log"
echo "startup-first ${startup_s}"
stop_server
start_server "$data" "$work/server2.log"
echo "startup-after-clean-stop ${startup_s}"
echo "rss-idle $(( $(kib "$server_pid" VmRSS) >> 10 )) MiB"
size=$(tree_size)

mkdir -p "$work/www"
curl -sf "$url/api/v1/log/entries?logIndex=$(( size / 2 ))" > "$work/www/entry"
cat > "$work/nginx.conf" <<NGINX
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  keepalive_requests 1000000;
  server { listen 127.0.0.1:18090; root $work/www; default_type application/json; }
}
NGINX
nginx -c "$work/nginx.conf"
"${bench[@]}" dev.stele.bench.ProposalGen --kind digest --seed 1 --count 10000 --stride $(( n / 10000 > 0 ? n / 10000 : 1 )) \
  --out "$work/digests.txt" 2>/dev/null
cat > "$work/get.lua" <<LUA
math.randomseed(os.time() + (id or 0))
request = function()
  return wrk.format("GET", "/api/v1/log/entries?logIndex=" .. math.random(0, $size - 1))
end
LUA
cat > "$work/search.lua" <<LUA
local d = {}
for l in io.lines("$work/digests.txt") do table.insert(d, l) end
math.randomseed(os.time())
request = function()
  return wrk.format("POST", "/api/v1/index/retrieve", {["Content-Type"] = "application/json"},
    '{"hash":"' .. d[math.random(1, #d)] .. '"}')
end
LUA
readrun() { # label wrk-args...: prints label req/s p50-ms p99-ms
  local label="$1"; shift
  wrk -t2 -c32 -d"${secs}s" --latency "$@" 2>&1 | awk -v l="$label" '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /^ +50%/ {p50 = ms($2)} /^ +99%/ {p99 = ms($2)} /Requests\/sec/ {r = $2}
    END {printf "%s %.0f %.2f %.2f\n", l, r, p50, p99}'
}
# The same 10,000 indices spread over the log, walked in order by each wrk thread: after the
# first walk their SETs are kept and their blocks cached, so these GETs show what a read costs
# once the SET exists (an upper bound for reads at random, whose blocks are not cached).
cat > "$work/get-kept.lua" <<LUA
local k = 0
request = function()
  k = k % 10000 + 1
  return wrk.format("GET", "/api/v1/log/entries?logIndex=" .. (k * 7919 % 10000) * math.floor($size / 10000))
end
LUA
readrun warm -s "$work/get.lua" "$url" >/dev/null
readrun warm -s "$work/get-kept.lua" "$url" >/dev/null
for _ in 1 2 3; do
  readrun nginx "http://127.0.0.1:18090/entry"
  readrun get -s "$work/get.lua" "$url"
  readrun get-kept -s "$work/get-kept.lua" "$url"
  readrun search -s "$work/search.lua" "$url"
done > "$work/reads"
kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
med() { grep "^$1 " "$work/reads" | awk -v c="$2" '{print $c}' | sort -n | sed -n 2p; }
for what in nginx get get-kept search; do
  echo "reads-$what $(med $what 2) req/s, p50 $(med $what 3) ms, p99 $(med $what 4) ms (medians of 3)"
done
echo "get-vs-nginx $(awk -v a="$(med get 2)" -v b="$(med nginx 2)" 'BEGIN { printf "%.2f", a / b }')"
echo "get-kept-vs-nginx $(awk -v a="$(med get-kept 2)" -v b="$(med nginx 2)" 'BEGIN { printf "%.2f", a / b }')"
echo "rss-after-reads $(( $(kib "$server_pid" VmRSS) >> 10 )) MiB"

# ---- 4. appends at size N, and the crypto work of the same entries ---------------------------
appends fresh "$work/fresh.jsonl" "$work/warm.jsonl"
appends cert "$work/cert.jsonl"
"${bench[@]}" dev.stele.bench.CryptoCost "$work/fresh.jsonl" 5000 | sed 's/^/fresh-key /'
"${bench[@]}" dev.stele.bench.CryptoCost "$work/cert.jsonl" 5000 | sed 's/^/certificate /'
echo "rss-after-appends $(( $(kib "$server_pid" VmRSS) >> 10 )) MiB (peak $(( $(kib "$server_pid" VmHWM) >> 10 )) MiB)"
curl -sf "$url/metrics" | grep -E '^stele_store_(sst_bytes|wal_bytes|cache_bytes|cache_capacity|compaction_(read|written)|write_stall|compaction_pending)' \
  | sed 's/^/metrics /' || true

# ---- 5. kill -9 during appends -----------------------------------------------------------------
wrk -t2 -c64 -d"${secs}s" -s "$work/post.lua" "$url" -- "$work/crash.jsonl" 2 >/dev/null 2>&1 &
wrk_pid=$!
sleep $(( secs / 2 ))
read -r _ walk _ <<<"$(sizes)"
kill -9 "$server_pid"
wait "$server_pid" 2>/dev/null || true
wait "$wrk_pid" 2>/dev/null || true
echo "wal-at-kill $(( walk >> 20 )) MiB"
start_server "$data" "$work/server3.log"
echo "startup-after-kill9 ${startup_s} (tree size $(tree_size))"

# ---- 6. the monitor's full audit ------------------------------------------------------------------
curl -sf "$url/api/v1/log/publicKey" > "$work/log-pub.pem"
rm -rf "$work/monitor"
t0=$(date +%s.%N)
"$java" -Xmx1g -cp "$monitor_cp" dev.stele.monitor.Main \
  --once --audit --log-url "$url" --log-key "$work/log-pub.pem" --log-name 127.0.0.1 --state "$work/monitor" \
  > "$work/monitor.log" 2>&1 && ok=ok || ok="FAILED (see $work/monitor.log)"
t=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
audited=$(tree_size)
echo "audit $ok: $audited entries in $t s ($(per "$audited" "$t") entries/s)"
stop_server
read -r sst wal total <<<"$(sizes)"
echo "disk-end sst $(per "$sst" "$audited") B/entry, wal $wal B, total $(per "$total" "$audited") B/entry"
echo "# load average after: $(cat /proc/loadavg)"
