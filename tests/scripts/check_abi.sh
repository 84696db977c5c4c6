#!/usr/bin/env bash
# check_abi.sh SO BASELINE - libabigail abidiff of the built library against
# the committed baseline: an incompatible change fails; a compatible addition
# passes (reported). The baseline itself may only change together with
# CHANGELOG.md, which must quote its sha256 ("ABI baseline sha256: ...").
set -u
so=$1; base=$2
command -v abidiff >/dev/null || { echo "check-abi: abidiff missing (apt-get install abigail-tools)"; exit 1; }
[ -f "$base" ] || { echo "check-abi: no baseline $base (make abi-baseline)"; exit 1; }
sum=$(sha256sum "$base" | cut -c1-64)
grep -q "ABI baseline sha256: $sum" CHANGELOG.md || {
  echo "check-abi: $base changed without a CHANGELOG.md entry quoting 'ABI baseline sha256: $sum'"; exit 1; }
out=$(abidiff --headers-dir2 include --no-added-syms "$base" "$so" 2>&1); rc=$?
if [ $((rc & 1)) -ne 0 ] || [ $((rc & 2)) -ne 0 ]; then echo "$out"; echo "check-abi: abidiff failed ($rc)"; exit 1; fi
if [ $((rc & 8)) -ne 0 ]; then echo "$out"; echo "check-abi: INCOMPATIBLE ABI change against $base"; exit 1; fi
added=$(abidiff --headers-dir2 include "$base" "$so" 2>/dev/null | grep -E 'Added function' | head -1)
echo "check-abi: compatible with the baseline${added:+ ($added)}"
exit 0
