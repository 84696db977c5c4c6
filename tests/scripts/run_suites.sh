#!/usr/bin/env bash
# run_suites.sh SUMMARY TIER PREFIX BIN... - runs each Check suite binary (under
# the command PREFIX, e.g. valgrind, if not empty), echoes its output, and appends
# its counts "TIER suite passed failed" to SUMMARY. Exits 1 if any suite fails or crashes.
set -u
summary=$1; tier=$2; prefix=$3; shift 3
mkdir -p "$(dirname "$summary")"
export CK_DEFAULT_TIMEOUT=${CK_DEFAULT_TIMEOUT:-900}
rc=0
for bin in "$@"; do
  name=$(basename "$bin")
  out=$(mktemp)
  start=$(date +%s)
  # shellcheck disable=SC2086
  $prefix "$bin" >"$out" 2>&1; status=$?
  cat "$out"
  line=$(grep -E '[0-9]+%: Checks: [0-9]+, Failures: [0-9]+, Errors: [0-9]+' "$out" | tail -1)
  checks=$(sed -E 's/.*Checks: ([0-9]+).*/\1/' <<<"$line")
  fails=$(sed -E 's/.*Failures: ([0-9]+), Errors: ([0-9]+).*/\1+\2/' <<<"$line")
  if [ -z "$line" ]; then checks=0; fails=1; fi
  fails=$((fails))
  passed=$((checks - fails))
  if [ $status -ne 0 ] && [ $fails -eq 0 ]; then fails=1; fi
  echo "$tier $name $passed $fails" >>"$summary"
  printf '[%s] %s: %d passed, %d failed (%ds)\n' "$tier" "$name" $passed $fails $(( $(date +%s) - start ))
  [ $fails -eq 0 ] || rc=1
  rm -f "$out"
done
exit $rc
