#!/usr/bin/env python3
"""gen_reference.py HEADER OUT - writes the API reference (Markdown) from the
doc comments of include/ncdyn.h: one part per header section, every NCD_API
function, typedef and enum with its /** ... */ comment. `make docs` runs it."""
import re
import sys

src = open(sys.argv[1]).read()
lines = src.split('\n')
out = ['# libncdyn API reference', '',
       'Generated from `include/ncdyn.h` by `tests/scripts/gen_reference.py` (`make docs`).',
       'The header is the source of truth; conventions are in `docs/guide.md`.', '']
toc = []
body = []
i = 0
pending_doc = None
count = 0


def clean(doc):
    text = re.sub(r'^\s*/\*\*<?\s?|\s*\*/\s*$', '', doc, flags=re.S)
    text = '\n'.join(re.sub(r'^\s*\* ?', '', l) for l in text.split('\n'))
    return text.strip()


while i < len(lines):
    l = lines[i]
    m = re.match(r'/\* ==== section (\d+): (.*?) =+ \*/', l.strip())
    if m:
        title = m.group(2).strip()
        anchor = 'section-%s' % m.group(1)
        toc.append('- [%s. %s](#%s)' % (m.group(1), title, anchor))
        body += ['', '<a id="%s"></a>' % anchor, '## %s. %s' % (m.group(1), title), '']
        i += 1
        continue
    if l.strip().startswith('/**') and not l.strip().startswith('/**<'):
        j = i
        while '*/' not in lines[j]:
            j += 1
        pending_doc = clean('\n'.join(lines[i:j + 1]))
        i = j + 1
        continue
    s = l.strip()
    if pending_doc is not None and (s.startswith('NCD_API') or s.startswith('typedef') or s.startswith('#define NCD_')):
        j = i
        if s.startswith('typedef') and '{' in s:
            depth = 0
            while True:
                depth += lines[j].count('{') - lines[j].count('}')
                if depth <= 0 and ';' in lines[j]:
                    break
                j += 1
        else:
            while not (lines[j].rstrip().endswith(';') or lines[j].strip().startswith('#define')) and j < len(lines) - 1:
                j += 1
        decl = '\n'.join(lines[i:j + 1]).replace('NCD_API ', '')
        name = re.findall(r'\b(ncd_\w+|NCD_\w+)\b', decl.split('(')[0])
        title = name[-1] if name else decl.split('\n')[0]
        body += ['### `%s`' % title, '', '```c', decl, '```', '', pending_doc, '']
        count += 1
        pending_doc = None
        i = j + 1
        continue
    if s:
        pending_doc = None if not s.startswith('/*') else pending_doc
    i += 1

out += ['## Contents', ''] + toc + [''] + body
open(sys.argv[2], 'w').write('\n'.join(out) + '\n')
print('gen_reference: %d documented declarations -> %s' % (count, sys.argv[2]))
