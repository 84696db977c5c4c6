#!/usr/bin/env bash
# check_coverage.sh SO - every function the shared library exports is called by
# the hardening suites (tests/hardening/test_*.c): the bad-input matrix, fault
# injection and concurrency tests. Fails on a gap, naming the functions.
set -u
so=$1
exported=$(nm -D --defined-only "$so" | awk '$2 == "T" {print $3}' | sed 's/@.*//' | sort -u)
called=$(cat tests/hardening/test_*.c 2>/dev/null | grep -oE '\bncd_[a-z0-9_]+\b' | sort -u)
missing=$(comm -23 <(echo "$exported") <(echo "$called"))
total=$(echo "$exported" | grep -c .)
[ "$total" -gt 0 ] || { echo "check-coverage: no exported functions found in $so"; exit 1; }
if [ -n "$missing" ]; then
  echo "check-coverage: $(echo "$missing" | grep -c .) of $total exported functions are not exercised by tests/hardening:"
  echo "$missing" | sed 's/^/  /'
  exit 1
fi
echo "check-coverage: all $total exported functions are exercised by tests/hardening"
