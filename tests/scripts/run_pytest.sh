#!/usr/bin/env bash
# run_pytest.sh SUMMARY DIR - runs the Python suites with pytest and appends
# "python pytest <passed> <failed>" to SUMMARY. Under CI=true a missing numpy
# or pytest is a failure; otherwise the suite says it skipped and why.
set -u
summary=$1; dir=$2
py=${PYTHON:-python3}
if ! $py -c 'import pytest, numpy' 2>/dev/null; then
  if [ "${CI:-}" = true ]; then echo "check-python: pytest/numpy missing under CI"; echo "python pytest 0 1" >>"$summary"; exit 1; fi
  echo "check-python: SKIPPED (python3-pytest / python3-numpy not installed)"; exit 0
fi
out=$(mktemp)
$py -m pytest -q -p no:cacheprovider "$dir" 2>&1 | tee "$out"; rc=${PIPESTATUS[0]}
line=$(grep -E '[0-9]+ (passed|failed)' "$out" | tail -1)
p=$(grep -oE '[0-9]+ passed' <<<"$line" | grep -oE '[0-9]+'); p=${p:-0}
f=$(grep -oE '[0-9]+ (failed|errors?)' <<<"$line" | awk '{s+=$1} END {print s+0}')
[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
[ "$rc" -eq 5 ] && { echo "check-python: no tests collected"; f=1; }
echo "python pytest $p $f" >>"$summary"
rm -f "$out"
[ "$f" -eq 0 ]
