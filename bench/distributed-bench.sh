#!/usr/bin/env bash
# The distributed driver's benchmark (issue 17), run on demand, never in CI. On this one machine:
# a throwaway PostgreSQL cluster (Debian's postgresql), S3Proxy (filesystem backend) and one, then
# two, frontends (--storage postgres; two behind nginx, round robin), loaded by LoadGen. For each
# phase: LoadGen's figures (max sustained appends/s, latency at a fixed rate) and the CPU time per
# append of each component: the frontends, PostgreSQL (postmaster and every backend) and S3Proxy,
# from /proc.
# Usage: bench/distributed-bench.sh [--quick]     Results: bench/results/distributed-<date>.txt
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
quick=false
[ "${1:-}" = "--quick" ] && quick=true
mkdir -p bench/results
out="bench/results/distributed-$(date -u +%Y%m%dT%H%M%SZ).txt"
work="$(mktemp -d)"
chmod 755 "$work"
pids=()
pgbin="$(dirname "$(compgen -G '/usr/lib/postgresql/*/bin/initdb' | sort | tail -1)")"
[ -x "$pgbin/initdb" ] || { echo "PostgreSQL is not installed: apt-get install postgresql" >&2; exit 1; }
as_pg=()
[ "$(id -u)" = 0 ] && as_pg=(runuser -u postgres --)
cleanup() {
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  "${as_pg[@]}" "$pgbin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_for() { for _ in $(seq 1 240); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 1; done; cat "$1"; exit 1; }

command -v nginx >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx-light >/dev/null
# Also copies log-server/target/s3proxy/s3proxy.jar. STELE_BENCH_NO_BUILD=1 reuses the last build.
[ -n "${STELE_BENCH_NO_BUILD:-}" ] || ./mvnw -B -q -DskipTests -Pbench -pl bench,log-server -am package
exec > >(tee "$out") 2>&1
echo "# distributed benchmark $(date -u +%FT%TZ), $(nproc) cores, $(java -version 2>&1 | head -1)"
echo "# load average before: $(cat /proc/loadavg)"

# ---- engines -------------------------------------------------------------------------------
mkdir -p "$work/pg" && chown postgres "$work/pg" 2>/dev/null || true
pgport=$(free_port)
"${as_pg[@]}" "$pgbin/initdb" -D "$work/pg" -U stele --auth=trust -E UTF8 >/dev/null
"${as_pg[@]}" "$pgbin/pg_ctl" -D "$work/pg" -l "$work/pg/server.log" -w -t 120 \
  -o "-p $pgport -k $work/pg -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
pg_pid="$(head -1 "$work/pg/postmaster.pid")"
s3port=$(free_port)
mkdir -p "$work/s3"
cat > "$work/s3.properties" <<P
s3proxy.endpoint=http://127.0.0.1:$s3port
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=bench
s3proxy.credential=bench-secret
jclouds.provider=filesystem-nio2
jclouds.identity=bench
jclouds.credential=bench-secret
jclouds.filesystem.basedir=$work/s3
P
java -Xmx512m -jar log-server/target/s3proxy/s3proxy.jar --properties "$work/s3.properties" >"$work/s3.log" 2>&1 &
s3_pid=$!
pids+=("$s3_pid")
wait_for "$work/s3.log" "Started Server"
export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench-secret
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$work/log-key.pem" 2>/dev/null
chmod 600 "$work/log-key.pem"

# CPU ticks (user + system) of a process, with its reaped children, and of its live children.
ticks() { # pid...
  local sum=0 p
  for p in "$@"; do
    [ -r "/proc/$p/stat" ] || continue
    sum=$((sum + $(awk '{print $14+$15+$16+$17}' "/proc/$p/stat")))
    for c in $(pgrep -P "$p" || true); do sum=$((sum + $(awk '{print $14+$15}' "/proc/$c/stat" 2>/dev/null || echo 0))); done
  done
  echo "$sum"
}
hz=$(getconf CLK_TCK)
entries() { curl -s "$1/checkpoint" | sed -n 2p; }

frontend() { # db port -> pid
  local db=$1 port=$2
  bin/stele-server --storage postgres --db-url "jdbc:postgresql://127.0.0.1:$pgport/$db?user=stele" \
    --s3-endpoint "http://127.0.0.1:$s3port" --s3-bucket "$db" --key "$work/log-key.pem" \
    --public-url http://127.0.0.1 --port "$port" --data-dir "$work/fe-$port" >"$work/fe-$port.log" 2>&1 &
  echo $!
}

phase() { # name url frontend-pids...
  local name=$1 url=$2; shift 2
  local fe=("$@")
  local n0 f0 p0 s0 n1 f1 p1 s1
  n0=$(entries "$url"); f0=$(ticks "${fe[@]}"); p0=$(ticks "$pg_pid"); s0=$(ticks "$s3_pid")
  if $quick; then
    java -Xmx1g -cp bench/target/benchmarks.jar dev.stele.bench.LoadGen "$url" \
      --max-seconds 10 --warmup-seconds 10 --rates 300 --rate-seconds 10 --ceiling-seconds 2
  else
    java -Xmx2g -cp bench/target/benchmarks.jar dev.stele.bench.LoadGen "$url" \
      --max-seconds 20 --warmup-seconds 30 --rates 500,1000 --rate-seconds 15 --ceiling-seconds 5
  fi
  n1=$(entries "$url"); f1=$(ticks "${fe[@]}"); p1=$(ticks "$pg_pid"); s1=$(ticks "$s3_pid")
  local n=$((n1 - n0))
  echo "# $name: $n appends in all phases; CPU ms per append: frontends $(( (f1 - f0) * 1000000 / hz / n ))e-3," \
    "postgres $(( (p1 - p0) * 1000000 / hz / n ))e-3, s3proxy $(( (s1 - s0) * 1000000 / hz / n ))e-3" \
    "(load average $(cut -d' ' -f1-3 /proc/loadavg))"
}

# ---- one frontend ----------------------------------------------------------------------------
"${as_pg[@]}" "$pgbin/psql" -h 127.0.0.1 -p "$pgport" -U stele -d postgres -q -c "CREATE DATABASE one" -c "CREATE DATABASE two"
p1=$(free_port)
fe1=$(frontend one "$p1"); pids+=("$fe1")
wait_for "$work/fe-$p1.log" "listening on"
echo "## one frontend"
phase "one frontend" "http://127.0.0.1:$p1" "$fe1"
kill "$fe1"; wait "$fe1" 2>/dev/null || true

# ---- two frontends behind nginx --------------------------------------------------------------
pa=$(free_port); pb=$(free_port); plb=$(free_port)
fea=$(frontend two "$pa"); pids+=("$fea")
wait_for "$work/fe-$pa.log" "listening on"
feb=$(frontend two "$pb"); pids+=("$feb")
wait_for "$work/fe-$pb.log" "listening on"
cat > "$work/nginx.conf" <<NGINX
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  upstream stele { server 127.0.0.1:$pa; server 127.0.0.1:$pb; keepalive 64; }
  server {
    listen 127.0.0.1:$plb;
    client_max_body_size 1m;
    location / { proxy_pass http://stele; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
NGINX
nginx -c "$work/nginx.conf"
echo "## two frontends (nginx round robin)"
phase "two frontends" "http://127.0.0.1:$plb" "$fea" "$feb"
echo "# load average after: $(cat /proc/loadavg)"
