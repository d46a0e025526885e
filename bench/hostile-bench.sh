#!/usr/bin/env bash
# The worst case (issue 12), run on demand, never in CI: for each family of expensive request
# (dsse signatures x verifiers, RSA exponents, certificate chains, index-key floods, retrieves,
# floods of connections, slow bodies, metric labels, searches), the largest server CPU time per
# request HostileBench can construct, on the server before issue 12 (BEFORE_REF) and after it
# (AFTER_REF, default HEAD: commit what you measure), each built in a temporary git worktree
# (/tmp/hostile-before, /tmp/hostile-after, removed at the end) so that nothing here is rebuilt,
# run one after the other on the same machine, with the honest append rate of each. About 10
# minutes on 2 idle cores, builds included.
# Usage: bench/hostile-bench.sh [--quick]      Results: bench/results/hostile-<date>.txt
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
before_ref="${BEFORE_REF:-eae767e}"
after_ref="$(git rev-parse --short "${AFTER_REF:-HEAD}")"
quick=""
[ "${1:-}" = "--quick" ] && quick="--quick"
mkdir -p bench/results
out="bench/results/hostile-$(date -u +%Y%m%dT%H%M%SZ).txt"
work="$(mktemp -d)"
before="${BEFORE_DIR:-/tmp/hostile-before}"
after="${AFTER_DIR:-/tmp/hostile-after}"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
  git -C "$root" worktree remove --force "$before" 2>/dev/null || true
  git -C "$root" worktree remove --force "$after" 2>/dev/null || true
}
trap cleanup EXIT

git worktree add -q --detach "$after" "$after_ref"
(cd "$after" && ./mvnw -B -q -o -DskipTests -pl bench,log-server -am package)
git worktree add -q --detach "$before" "$before_ref"
(cd "$before" && ./mvnw -B -q -o -DskipTests -pl log-server -am package)

exec > >(tee "$out") 2>&1
echo "# hostile bench $(date -u +%FT%TZ), $(nproc) cores, $(java -version 2>&1 | head -1)"
echo "# before: $before_ref ($(git -C "$before" log -1 --format=%s | cut -c1-60)); after: $after_ref"

run() { # label classpath
  local label="$1" cp="$2" port=3312
  rm -rf "$work/data"
  java -Xmx2g --enable-native-access=ALL-UNNAMED -cp "$cp" dev.stele.server.Main --port "$port" \
    --data-dir "$work/data" >"$work/$label-server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 90); do grep -q "listening on" "$work/$label-server.log" && break; sleep 1; done
  echo "## $label"
  timeout 1200 java -Xmx2g -cp "$after/bench/target/stele-bench.jar:$after/bench/target/lib/*" dev.stele.bench.HostileBench \
    "http://127.0.0.1:$port" --server-pid "$server_pid" $quick | tee "$work/$label.txt" || echo "# $label: the bench failed or ran out of time"

  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
}
run before "$before/log-server/target/stele-log-server.jar:$before/log-server/target/lib/*"
run after "$after/log-server/target/stele-log-server.jar:$after/log-server/target/lib/*"

# The table: per family, the costliest variant on each side (CPU ms per request, median of rounds).
echo
echo "| family | before: costliest variant | CPU ms/request | answers | after: costliest variant | CPU ms/request | answers |"
echo "| --- | --- | ---: | --- | --- | ---: | --- |"
worst() { awk -v f="$1" '$1=="RESULT" && $2==f { if ($5+0 >= max) { max=$5+0; line=$3" "$5" "$6 } } END { print line }' "$2"; }
for family in $(awk '$1=="RESULT" {print $2}' "$work/after.txt" | uniq); do
  read -r bv bc bs <<<"$(worst "$family" "$work/before.txt")"
  read -r av ac as <<<"$(worst "$family" "$work/after.txt")"
  echo "| $family | $bv | $bc | $bs | $av | $ac | $as |"
done
echo
grep HONEST "$work/before.txt" | sed 's/^/before: /'
grep HONEST "$work/after.txt" | sed 's/^/after:  /'
echo "# results in $out"
