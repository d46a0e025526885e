#!/usr/bin/env bash
# Fuzzes one target (or each target in turn) for a fixed time and reports how many inputs ran.
#
#   fuzz/run.sh TARGET SECONDS [libFuzzer flags...]
#   fuzz/run.sh all SECONDS [libFuzzer flags...]      every target, one after the other
#   fuzz/run.sh list                                   the targets
#
# TARGET is Class#method, e.g. RekorJsonFuzzTest#logEntry (the package is found from the
# sources). Needs only a JDK: the Jazzer driver comes with the jazzer Maven artifact. Jazzer
# starts from the target's seeds (src/test/resources/.../<Class>Inputs/<method>) and the inputs
# of earlier runs in fuzz/target/fuzz/<Class>/<method>/corpus, where it adds new ones; crashing
# inputs and the log go to .../findings. README.md says how a finding becomes a regression input.
#
# Environment: MVN_FLAGS (default -o), JAVA_OPTS (default -Xmx1536m), TIMEOUT (seconds one input
# may take before it counts as a finding, default 10), NO_BUILD=1 to reuse the last build.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
work="$here/target/fuzz"
cp_file="$here/target/fuzz-classpath.txt"

targets() {
  # Every @FuzzTest method, as Class#method, from the sources.
  find "$here/src/test/java" -name '*.java' | sort | while read -r f; do
    awk -v cls="$(basename "$f" .java)" '
      /@FuzzTest/ { want = 1; next }
      want && /void [a-zA-Z0-9_]+\(/ { match($0, /void [a-zA-Z0-9_]+\(/); print cls "#" substr($0, RSTART + 5, RLENGTH - 6); want = 0 }
    ' "$f"
  done
}

package_of() {
  local file
  file="$(find "$here/src/test/java" -name "$1.java" | head -1)"
  [ -n "$file" ] || { echo "no test class $1 under fuzz/src/test/java" >&2; exit 2; }
  sed -n 's/^package \(.*\);/\1/p' "$file"
}

build() {
  if [ "${NO_BUILD:-}" = 1 ] && [ -f "$cp_file" ]; then
    return
  fi
  echo "building the fuzz module and its classpath..." >&2
  (cd "$root" && ./mvnw -B -q ${MVN_FLAGS--o} -pl fuzz -am test-compile dependency:build-classpath \
    -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test)
}

run_one() {
  local target="$1" seconds="$2"
  shift 2
  local cls="${target%%#*}" method="${target##*#}"
  [ "$cls" != "$target" ] && [ -n "$method" ] || { echo "TARGET must be Class#method, got $target" >&2; exit 2; }
  local pkg
  pkg="$(package_of "$cls")"
  local dir="$work/$cls/$method"
  mkdir -p "$dir/corpus" "$dir/findings"
  local log="$dir/findings/run-$(date +%Y%m%dT%H%M%S).log"
  local marker="$dir/findings/.started"
  touch "$marker"
  echo "fuzzing $target for ${seconds}s (log: ${log#"$root"/})" >&2
  set +e
  # shellcheck disable=SC2086
  java ${JAVA_OPTS:--Xmx1536m} --enable-native-access=ALL-UNNAMED \
    -cp "$here/target/test-classes:$(cat "$cp_file")" com.code_intelligence.jazzer.Jazzer \
    --target_class="$pkg.$cls" --target_method="$method" \
    --instrumentation_includes='dev.stele.**' --keep_going=20 \
    -max_total_time="$seconds" -timeout="${TIMEOUT:-10}" -print_final_stats=1 \
    -artifact_prefix="$dir/findings/" "$@" "$dir/corpus" >"$log" 2>&1
  local status=$?
  set -e
  local runs rate
  runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
  rate="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)"
  if [ -z "$runs" ]; then
    # No final statistics when a finding ends the run: the last status line has the count.
    # None at all when the target did not start (the log says why): '?' rather than an exit.
    runs="$(grep -o '^#[0-9]*' "$log" | tail -1 | tr -d '#' || true)"
  fi
  local findings
  findings="$(find "$dir/findings" -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'slow-unit-*' \) -newer "$marker" | sort)"
  printf '%-42s %11s executions %7s exec/s  %s new findings  (exit %s)\n' "$target" "${runs:-?}" "${rate:-?}" \
    "$(printf '%s' "$findings" | grep -c . || true)" "$status"
  if [ -n "$findings" ]; then
    grep -A 4 '^== Java Exception\|^== libFuzzer crashing input\|ERROR: libFuzzer' "$log" | head -40 >&2 || true
    printf '  %s\n' $findings >&2
  fi
  return 0
}

case "${1:-}" in
  list)
    targets
    ;;
  all)
    [ $# -ge 2 ] || { echo "usage: $0 all SECONDS [libFuzzer flags...]" >&2; exit 2; }
    seconds="$2"
    shift 2
    build
    for t in $(targets); do
      run_one "$t" "$seconds" "$@"
    done
    ;;
  ""|-h|--help)
    sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'
    ;;
  *)
    [ $# -ge 2 ] || { echo "usage: $0 TARGET SECONDS [libFuzzer flags...]" >&2; exit 2; }
    target="$1"
    seconds="$2"
    shift 2
    build
    run_one "$target" "$seconds" "$@"
    ;;
esac
