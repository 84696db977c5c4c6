#!/usr/bin/env bash
# check_docs.sh HEADER [SO] - every symbol the shared library SO exports is
# declared NCD_API in the header, and every public declaration (NCD_API function, typedef,
# #define NCD_*) is preceded by a non-empty /** ... */ doc comment, or for enum
# members and struct fields followed by a non-empty /**< ... */ comment.
set -u
python3 - "$1" <<'PY'
import re, sys
src = open(sys.argv[1]).read().split('\n')
bad = []
def doc_before(i):
    j = i - 1
    while j >= 0 and src[j].strip() == '':
        j -= 1
    if j < 0 or not src[j].rstrip().endswith('*/'):
        return False
    text = []
    while j >= 0:
        text.append(src[j])
        if '/**' in src[j]:
            break
        if '/*' in src[j]:
            return False
        j -= 1
    body = re.sub(r'/\*\*|\*/|^\s*\*', '', '\n'.join(reversed(text)), flags=re.M)
    return len(re.sub(r'\W', '', body)) >= 3
count = 0
for i, line in enumerate(src):
    s = line.strip()
    is_decl = (s.startswith('NCD_API') or s.startswith('typedef') or
               (s.startswith('#define NCD_') and not s.startswith('#define NCD_API') and
                not s.startswith('#define NCD_STR')))
    if is_decl:
        count += 1
        if not doc_before(i):
            bad.append('%s:%d: %s' % (sys.argv[1], i + 1, s[:70]))
if bad:
    print('check-docs: undocumented public declarations:')
    print('\n'.join(bad))
    sys.exit(1)
print('check-docs: %d public declarations, all documented' % count)
PY
[ $? -eq 0 ] || exit 1
if [ -n "${2:-}" ]; then
  undeclared=$(comm -23 <(nm -D --defined-only "$2" | awk '$2 == "T" {print $3}' | sed 's/@.*//' | sort -u) \
    <(tr -s ' \t\n' ' ' < "$1" | grep -oE 'NCD_API [^(;]*\(' | grep -oE 'ncd_[a-z0-9_]+ *\($' | tr -d ' (' | sort -u))
  if [ -n "$undeclared" ]; then echo "check-docs: exported but not declared (undocumented) in $1:"; echo "$undeclared"; exit 1; fi
  echo "check-docs: every exported function is declared and documented in $1"
fi
