#!/usr/bin/env bash
# deps.sh PKG... - install the Debian packages that are missing (as root, after
# apt-get update), or print the exact apt-get line for a non-root user.
set -u
command -v dpkg-query >/dev/null 2>&1 || { echo "deps: not a Debian system; install: $*" >&2; exit 0; }
missing=()
for p in "$@"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ]; then
  echo "deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || { echo "deps: apt-get install failed for: ${missing[*]}" >&2; exit 1; }
else
  echo "deps: missing Debian packages; run:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
