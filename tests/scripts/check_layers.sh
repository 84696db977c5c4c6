#!/usr/bin/env bash
# check_layers.sh - the dependency direction of design.md, from the #include
# lines: a layer includes its own headers and those of LOWER layers only
# (core < kernels < stats < {losses, init, cpath, ghost, metrics} < ufm);
# siblings never include each other; only kernels includes BLIS or LAPACK.
set -u
cd "$(dirname "$0")/../.."
rank() {
  case $1 in
    core) echo 0 ;; kernels) echo 1 ;; stats) echo 2 ;;
    losses|init|cpath|ghost|metrics) echo 3 ;; ufm) echo 4 ;; *) echo 99 ;;
  esac
}
bad=0
for f in src/*/*.c src/*/*.h; do
  [ -e "$f" ] || continue
  self=$(basename "$(dirname "$f")")
  rs=$(rank "$self")
  while IFS= read -r inc; do
    dep=${inc%%/*}
    [ "$dep" = "$inc" ] && continue          # same-folder include
    rd=$(rank "$dep")
    if [ "$dep" != "$self" ] && { [ "$rd" -ge "$rs" ]; }; then
      echo "check-layers: $f includes $inc: $self may not depend on $dep"; bad=1
    fi
  done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f")
  if [ "$self" != kernels ] && grep -qE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"](blis|cblas|lapack|lapacke)\.h' "$f"; then
    echo "check-layers: $f includes BLIS/LAPACK directly: only src/kernels/ may"; bad=1
  fi
done
# tools/ and python/ use the public header only.
if ls tools/*/*.c >/dev/null 2>&1 && grep -lE '#[[:space:]]*include[[:space:]]*"(core|kernels|stats|losses|init|cpath|ghost|metrics|ufm)/' tools/*/*.c; then
  echo "check-layers: tools/ must use only include/ncdyn.h"; bad=1
fi
[ $bad -eq 0 ] && echo "check-layers: include direction OK"
exit $bad
