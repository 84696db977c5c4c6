#!/usr/bin/env bash
# check_docs.sh HEADER - every public declaration (NCD_API function, typedef,
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
