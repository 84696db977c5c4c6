#!/usr/bin/env bash
# check_examples.sh STAGE OUT CC CXX SUMMARY - builds every example against the
# staged install through pkg-config, shared and static (libncdyn.a), runs them,
# and checks that the static build does not load libncdyn.so.
set -u
stage=$1; out=$2; cc=$3; cxx=$4; summary=$5
mkdir -p "$out"
export PKG_CONFIG_PATH="$stage/lib/pkgconfig"
cflags=$(pkg-config --cflags ncdyn) || { echo "check-examples: pkg-config ncdyn failed"; exit 1; }
libs=$(pkg-config --libs ncdyn)
slibs=$(pkg-config --static --libs ncdyn | sed 's/-lncdyn/-l:libncdyn.a/')
pass=0; fail=0
run() { # name, command...
  local name=$1; shift
  if "$@" >"$out/$name.log" 2>&1; then pass=$((pass+1)); else fail=$((fail+1)); echo "check-examples: $name FAILED"; tail -20 "$out/$name.log"; fi
}
for src in examples/*.c; do
  [ -e "$src" ] || continue
  n=$(basename "$src" .c)
  case "$n" in mpi_*) continue ;; esac
  run "$n-build" $cc -std=c11 -Wall -Wextra -Wpedantic -Werror $cflags -o "$out/$n" "$src" $libs -lm
  run "$n-run" env LD_LIBRARY_PATH="$stage/lib" NCD_EXAMPLE_QUICK=1 "$out/$n"
  run "$n-static-build" $cc -std=c11 -Wall -Wextra -Wpedantic -Werror $cflags -o "$out/$n-static" "$src" $slibs -lm
  run "$n-static-run" env NCD_EXAMPLE_QUICK=1 "$out/$n-static"
  run "$n-static-no-so" bash -c "! ldd '$out/$n-static' | grep -q libncdyn"
done
for src in examples/*.cpp; do
  [ -e "$src" ] || continue
  n=$(basename "$src" .cpp)
  run "$n-build" $cxx -std=c++17 -Wall -Wextra -Wpedantic -Werror $cflags -o "$out/$n" "$src" $libs
  run "$n-run" env LD_LIBRARY_PATH="$stage/lib" NCD_EXAMPLE_QUICK=1 "$out/$n"
done
# the README's example stays compilable and correct
awk '/^```c$/ {on=1; next} /^```$/ {if (on) exit} on' README.md > "$out/readme_example.c"
run "readme-example-build" $cc -std=c99 -Wall -Wextra -Wpedantic -Werror $cflags -o "$out/readme_example" "$out/readme_example.c" $libs
run "readme-example-run" env LD_LIBRARY_PATH="$stage/lib" "$out/readme_example"
py=${PYTHON:-python3}
for src in examples/*.py; do
  [ -e "$src" ] || continue
  n=$(basename "$src" .py)
  if ! $py -c 'import numpy' 2>/dev/null; then
    if [ "${CI:-}" = true ]; then echo "check-examples: numpy missing under CI"; fail=$((fail+1)); continue; fi
    echo "check-examples: $n skipped (python3-numpy not installed)"; continue
  fi
  run "$n" env NCDYN_LIBRARY="$stage/lib/libncdyn.so.0" NCD_EXAMPLE_QUICK=1 $py "$src"
done
for src in examples/*.sh; do
  [ -e "$src" ] || continue
  n=$(basename "$src" .sh)
  run "$n" env PKG_CONFIG_PATH="$PKG_CONFIG_PATH" LD_LIBRARY_PATH="$stage/lib" NCD_STAGE="$stage" CC="$cc" bash "$src" "$out"
done
echo "examples check-examples $pass $fail" >>"$summary"
echo "check-examples: $pass passed, $fail failed"
[ $fail -eq 0 ]
