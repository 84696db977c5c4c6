#!/usr/bin/env bash
# check_header.sh CC CXX BUILD - the public header compiles alone as C99, C11
# and C++ with -Wall -Wextra -Wpedantic -Werror.
set -eu
cc=$1; cxx=$2; out=$3/header; mkdir -p "$out"
printf '#include "ncdyn.h"\nint main(void) { return ncd_strerror(0) == 0; }\n' > "$out/h.c"
cp "$out/h.c" "$out/h.cpp"
for std in c99 c11; do
  $cc -std=$std -Wall -Wextra -Wpedantic -Werror -Iinclude -fsyntax-only "$out/h.c"
done
$cxx -std=c++11 -Wall -Wextra -Wpedantic -Werror -Iinclude -fsyntax-only "$out/h.cpp"
$cxx -std=c++17 -Wall -Wextra -Wpedantic -Werror -Iinclude -fsyntax-only "$out/h.cpp"
echo "check-header: ncdyn.h compiles as C99, C11, C++11, C++17"
