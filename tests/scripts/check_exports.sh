#!/usr/bin/env bash
# check_exports.sh SO - only ncd_ symbols (never internal ncd__) are exported,
# all under the version NCDYN_0, and the soname is libncdyn.so.MAJOR.
set -u
so=$1
major=$(sed -n 's/^#define NCD_VERSION_MAJOR \([0-9]*\).*/\1/p' include/ncdyn.h)
syms=$(nm -D --defined-only "$so" | awk '{print $3}')
bad=$(echo "$syms" | grep -v '^NCDYN_0$' | grep -Ev '^ncd_[a-z0-9]' | grep -v '^$')
internal=$(echo "$syms" | grep '^ncd__')
soname=$(objdump -p "$so" | awk '/SONAME/ {print $2}')
unversioned=$(objdump -T "$so" | awk '$NF ~ /^ncd_/ && !/\*UND\*/ && $(NF-1) != "NCDYN_0"')
rc=0
[ -z "$bad$internal" ] || { echo "check-exports: non-public symbols exported: $bad $internal"; rc=1; }
[ "$soname" = "libncdyn.so.$major" ] || { echo "check-exports: soname $soname, expected libncdyn.so.$major"; rc=1; }
[ -z "$unversioned" ] || { echo "check-exports: symbols outside NCDYN_0: $unversioned"; rc=1; }
[ $rc -eq 0 ] && echo "check-exports: $(echo "$syms" | grep -c '^ncd_') ncd_ symbols, soname $soname, version NCDYN_0"
exit $rc
