#!/usr/bin/env bash
# check_contract.sh CC CXX OUT - conformance with the public API contract
# (../shared/api.md): every function prototype of the contract is re-declared
# after including ncdyn.h, so a renamed function or changed signature fails to
# compile (C11 and C++17), and tests/contract/contract_enums.c asserts the enum
# values and types the contract fixes.
set -eu
cc=$1; cxx=$2; out=$3; mkdir -p "$out"
api=${NCD_API_MD:-../shared/api.md}
$cc -std=c11 -Wall -Wextra -Wpedantic -Werror -Iinclude -fsyntax-only tests/contract/contract_enums.c
if [ ! -f "$api" ]; then
  echo "check-contract: enum values OK; $api not found, prototype check skipped"; exit 0
fi
python3 - "$api" "$out/contract_protos.c" <<'PY'
import re, sys
s = open(sys.argv[1]).read()
protos = []
for b in re.findall(r'```c\n(.*?)```', s, flags=re.S):
    text = re.sub(r'/\*.*?\*/', '', b, flags=re.S)
    for stmt in text.split(';'):
        st = ' '.join(stmt.split())
        if re.match(r'^(int|void|const char) \*?ncd_\w+\s*\(', st):
            protos.append(st + ';')
if len(protos) < 25:
    sys.exit('check-contract: only %d prototypes found in %s' % (len(protos), sys.argv[1]))
open(sys.argv[2], 'w').write('#include "ncdyn.h"\n' + '\n'.join(protos) + '\nint main(void) { return 0; }\n')
print('check-contract: %d contract prototypes' % len(protos))
PY
$cc -std=c11 -Wall -Wextra -Wpedantic -Werror -Iinclude -fsyntax-only "$out/contract_protos.c"
$cxx -std=c++17 -Wall -Wextra -Wpedantic -Werror -Iinclude -fsyntax-only -x c++ "$out/contract_protos.c"
echo "check-contract: every contract prototype and fixed enum value matches include/ncdyn.h"
