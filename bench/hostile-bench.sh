#!/usr/bin/env bash
# The worst case (issue 12), run on demand, never in CI: for each family of expensive request
# (dsse signatures x verifiers, RSA exponents, certificate chains, index-key floods, retrieves,
# floods of connections, slow bodies, metric labels, searches), the largest server CPU time per
# request HostileBench can construct, on the server before issue 12 (BEFORE_REF, built in a
# temporary git worktree, /tmp/hostile-before, removed at the end) and on this tree, one after the
# other on the same machine, with the honest append rate of each. About 6 minutes on 2 idle cores.
# Usage: bench/hostile-bench.sh [--quick]      Results: bench/results/hostile-<date>.txt
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
before_ref="${BEFORE_REF:-eae767e}"
quick=""
[ "${1:-}" = "--quick" ] && quick="--quick"
mkdir -p bench/results
out="bench/results/hostile-$(date -u +%Y%m%dT%H%M%SZ).txt"
work="$(mktemp -d)"
before="${BEFORE_DIR:-/tmp/hostile-before}"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
  git -C "$root" worktree remove --force "$before" 2>/dev/null || true
}
trap cleanup EXIT

./mvnw -B -q -o -DskipTests -pl bench,log-server -am package
# Copies, so that building this tree again while the bench runs changes nothing it runs.
mkdir -p "$work/after" "$work/bench"
cp -r log-server/target/stele-log-server.jar log-server/target/lib "$work/after/"
cp -r bench/target/stele-bench.jar bench/target/lib "$work/bench/"
git worktree add -q --detach "$before" "$before_ref"
(cd "$before" && ./mvnw -B -q -o -DskipTests -pl log-server -am package)

exec > >(tee "$out") 2>&1
echo "# hostile bench $(date -u +%FT%TZ), $(nproc) cores, $(java -version 2>&1 | head -1)"
echo "# before: $before_ref ($(git -C "$before" log -1 --format=%s | cut -c1-60)); after: $(git rev-parse --short HEAD)$(git diff --quiet || echo ' with local changes')"

run() { # label classpath
  local label="$1" cp="$2" port=3312
  rm -rf "$work/data"
  java -Xmx2g --enable-native-access=ALL-UNNAMED -cp "$cp" dev.stele.server.Main --port "$port" \
    --data-dir "$work/data" >"$work/$label-server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 90); do grep -q "listening on" "$work/$label-server.log" && break; sleep 1; done
  echo "## $label"
  timeout 900 java -Xmx2g -cp "$work/bench/stele-bench.jar:$work/bench/lib/*" dev.stele.bench.HostileBench \
    "http://127.0.0.1:$port" --server-pid "$server_pid" $quick | tee "$work/$label.txt" || echo "# $label: the bench failed or ran out of time"

  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
}
run before "$before/log-server/target/stele-log-server.jar:$before/log-server/target/lib/*"
run after "$work/after/stele-log-server.jar:$work/after/lib/*"

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
